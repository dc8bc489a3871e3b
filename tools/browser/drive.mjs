// Drive Debian's Chromium through playwright-core for tests/browser: open a page of the
// running app, act on it, and print one JSON object of what was seen on stdout.
//
//   node drive.mjs '{"base": "http://127.0.0.1:8000", "artifacts": "tests/artifacts",
//                    "scenario": "explorer", "args": {...}}'
//
// Every scenario reports the console errors and failed requests of the page (a request
// that failed, or answered 400 or above) besides its own findings.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const spec = JSON.parse(process.argv[2]);
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

async function visit(page, path, ready) {
  await page.goto(spec.base + path, { waitUntil: "load" });
  await page.waitForFunction(ready, null, { timeout: 60000 });
}

const scenarios = {
  async pages(page) {
    const seen = {};
    for (const path of ["/explorer", "/dashboard", "/graphql"]) {
      await page.goto(spec.base + path, { waitUntil: "networkidle" });
      seen[path] = await page.title();
    }
    return { titles: seen };
  },

  async explorer(page, args) {
    // A known neighbourhood, drawn from a deep link.
    await visit(page, `/explorer?node=${encodeURIComponent(args.node)}`,
      () => window.explorer && window.explorer.cy.nodes().length > 1);
    const cy = () => page.evaluate(() => window.explorer.cy.nodes().map((n) => n.id()));
    const drawn = await cy();
    await page.screenshot({ path: `${spec.artifacts}/explorer.png` });

    // Expand a neighbour with a real double-click where it is drawn.
    const box = await page.locator("#graph").boundingBox();
    const at = await page.evaluate((id) => window.explorer.cy.getElementById(id).renderedPosition(), args.expand);
    const before = drawn.length;
    await page.mouse.dblclick(box.x + at.x, box.y + at.y);
    await page.waitForFunction((n) => window.explorer.cy.nodes().length > n, before, { timeout: 60000 });
    await page.mouse.click(box.x + 5, box.y + 5); // deselect
    const expanded = await cy();
    await page.screenshot({ path: `${spec.artifacts}/explorer-expanded.png` });

    // The details pane lists the stage's relationships by group with counts; the work
    // items' group pages on by itself.
    await page.waitForSelector('#groups tr[data-group^="IN_STAGE|INCOMING|WORK_ITEM"]', { timeout: 60000 });
    const groups = await page.evaluate(() => [...document.querySelectorAll("#groups tr.group")]
      .map((r) => ({ group: r.dataset.group, shown: r.children[2].textContent })));
    const count = expanded.length;
    await page.click('#groups tr[data-group^="IN_STAGE|INCOMING|WORK_ITEM"] button');
    await page.waitForFunction((n) => window.explorer.cy.nodes().length > n, count, { timeout: 60000 });
    const paged = await cy();
    await page.screenshot({ path: `${spec.artifacts}/explorer-groups.png` });

    // A shortest path between two chosen nodes.
    await page.fill("#path-from", args.pathFrom);
    await page.fill("#path-to", args.pathTo);
    await page.click("#find-path");
    await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Path of"), null, { timeout: 60000 });
    const path = await page.evaluate(() => window.explorer.cy.nodes(".path").map((n) => n.id()));
    const status = await page.textContent("#status");
    // The address now links to that path: opened afresh, it draws it again.
    const link = page.url();
    await visit(page, link.slice(spec.base.length), () => document.getElementById("status").textContent.startsWith("Path of"));
    const relinked = await page.evaluate(() => window.explorer.cy.nodes(".path").map((n) => n.id()));
    await page.screenshot({ path: `${spec.artifacts}/explorer-path.png` });

    // The trace of a work item, left to right.
    await visit(page, `/explorer?trace=${encodeURIComponent(args.trace)}`,
      () => document.getElementById("status").textContent.startsWith("Trace of"));
    const columns = await page.evaluate(() => window.explorer.cy.nodes(":parent")
      .sort((a, b) => a.position("x") - b.position("x")).map((n) => n.data("caption")));
    await page.screenshot({ path: `${spec.artifacts}/explorer-trace.png` });

    // Search: hits grouped by label, the organisation's first.
    await visit(page, "/explorer", () => true);
    await page.fill("#search", args.search);
    await page.waitForFunction(() => !document.getElementById("results").hidden && document.querySelector("#results .hit"), null, { timeout: 60000 });
    const search = await page.evaluate(() => ({
      heads: [...document.querySelectorAll("#results .group-head")].map((h) => h.textContent),
      hits: [...document.querySelectorAll("#results .hit")].map((h) => h.dataset.id),
    }));
    await page.screenshot({ path: `${spec.artifacts}/explorer-search.png` });

    // Bad ids say what is wrong.
    await page.goto(`${spec.base}/explorer?node=${encodeURIComponent(args.badNode)}`, { waitUntil: "load" });
    await page.waitForFunction(() => !document.getElementById("error").hidden, null, { timeout: 60000 });
    const badNode = await page.textContent("#error");
    await page.fill("#path-from", args.pathFrom);
    await page.fill("#path-to", "Team:no-such-team");
    await page.click("#find-path");
    await page.waitForFunction(() => document.getElementById("error").textContent.includes("no-such-team"), null, { timeout: 60000 });
    const badPath = await page.textContent("#error");
    return { drawn, expanded, groups, paged, path, relinked, status, columns, search, badNode, badPath };
  },

  async dashboard(page, args) {
    await visit(page, `/dashboard?stream=${encodeURIComponent(args.stream)}&window=90&until=${args.until}`,
      () => document.getElementById("reason").textContent.startsWith("Constraint:") &&
        document.getElementById("forecast-text").textContent.length > 0);
    const result = await page.evaluate(() => {
      const cfd = Chart.getChart("cfd");
      return {
        constraint: [...document.querySelectorAll(".stage.constraint")].map((s) => s.dataset.stage),
        reason: document.getElementById("reason").textContent,
        cfdStages: cfd.data.datasets.map((d) => d.label),
        cfdPoints: cfd.data.labels.length,
        cfdTotal: cfd.data.datasets.reduce((sum, d) => sum + d.data.reduce((a, b) => a + b, 0), 0),
        tiles: document.querySelectorAll(".tile").length,
        agingRows: document.querySelectorAll("#aging tr").length - 1,
      };
    });
    await page.screenshot({ path: `${spec.artifacts}/dashboard.png`, fullPage: true });
    return result;
  },

  async home(page) {
    // The home page lists the value streams; its links lead to the other pages.
    await visit(page, "/", () => document.querySelectorAll("#streams .vs[data-stream]").length > 0);
    const streams = await page.evaluate(() => [...document.querySelectorAll("#streams .vs[data-stream]")].map((v) => v.dataset.stream));
    const links = await page.evaluate(() => [...document.querySelectorAll("#streams .vs[data-stream]")][0]
      .querySelectorAll("a").length);
    const pages = await page.evaluate(() => [...document.querySelectorAll("header a")].map((a) => a.getAttribute("href")));
    const status = await page.textContent("#status");
    await page.screenshot({ path: `${spec.artifacts}/home.png`, fullPage: true });
    await page.click("#streams .vs[data-stream] >> text=analyses");
    await page.waitForFunction(() => document.body.dataset.loaded === "true", null, { timeout: 120000 });
    const landed = await page.evaluate(() => new URL(location.href).searchParams.get("stream"));
    // GraphiQL links back to every page.
    await page.goto(spec.base + "/graphql", { waitUntil: "networkidle" });
    const ide = await page.evaluate(() => [...document.querySelectorAll("nav.vsg a")].map((a) => a.getAttribute("href")));
    return { streams, links, pages, status, landed, ide };
  },

  async analysis(page, args) {
    const ready = () => document.body.dataset.loaded === "true";
    await visit(page, `/analysis?stream=${encodeURIComponent(args.stream)}&window=90&until=${args.until}`, ready);
    const seen = await page.evaluate(() => ({
      constraint: document.getElementById("constraint-name")?.dataset.stage,
      stations: document.querySelectorAll("#constraint tr").length - 1,
      skills: document.querySelectorAll("#skills tr").length - 1,
      skillsAtConstraint: document.querySelectorAll("#skills tr.top").length,
      teams: window.analysis ? window.analysis.network.nodes().length : 0,
      mostWaitedOn: document.getElementById("most-waited-on")?.textContent,
      critical: document.querySelectorAll("#critical-chain a").length,
      gapCommits: document.getElementById("gap-commits")?.textContent,
      forecast: document.getElementById("forecast-history")?.textContent,
      forecastRows: document.querySelectorAll("#forecast tr").length - 1,
      recommendations: [...document.querySelectorAll(".rec")].map((r) => r.dataset.kind),
      errors: [...document.querySelectorAll("main .error")].map((e) => e.textContent),
    }));
    await page.screenshot({ path: `${spec.artifacts}/analysis.png`, fullPage: true });

    // Raise a defect from the first recommendation that has evidence.
    const form = page.locator(".rec form.raise").first();
    await form.locator("select").selectOption("DEFECT");
    await form.locator("input[name=title]").fill(args.title);
    await form.locator("button").click();
    await page.waitForSelector(".raised-item, .rec .why", { timeout: 60000 });
    const raised = await page.evaluate(() => document.querySelector(".raised-item")?.textContent ?? document.querySelector(".rec .why")?.textContent);
    await page.screenshot({ path: `${spec.artifacts}/analysis-raised.png`, fullPage: true });

    // Ask the forecast another question.
    await page.fill("#fc-items", "3");
    await page.fill("#fc-by", args.by);
    await page.click("#forecast-form button");
    await page.waitForFunction(() => [...document.querySelectorAll("#forecast td")].some((td) => td.textContent.startsWith("3 more items")), null, { timeout: 60000 });
    const asked = await page.evaluate(() => [...document.querySelectorAll("#forecast tr td:first-child")].map((td) => td.textContent));

    // An unknown stream says so.
    await visit(page, "/analysis?stream=ValueStream:no-such-stream", () => document.body.dataset.loaded === "error");
    const unknown = await page.textContent("#error");
    await page.screenshot({ path: `${spec.artifacts}/analysis-unknown.png` });
    return { ...seen, raised, asked, unknown };
  },

  async analysisGaps(page, args) {
    // A traceability gap longer than its first page: "N of TOTAL", then "more" lists the rest.
    await visit(page, `/analysis?stream=${encodeURIComponent(args.stream)}&window=90&until=${args.until}`,
      () => document.body.dataset.loaded === "true");
    const gap = `#gaps .gap[data-gap="${args.gap}"]`;
    const read = () => page.evaluate((selector) => {
      const box = document.querySelector(selector);
      return box && {
        keys: [...box.querySelectorAll(".keys a")].map((a) => a.textContent),
        shown: box.querySelector(".shown").textContent,
        more: !box.querySelector("button.more").hidden,
      };
    }, gap);
    const first = await read();
    const counts = await page.evaluate(() => ["gap-commits", "gap-undeployed", "gap-no-feedback"].map((id) => document.getElementById(id)?.textContent));
    await page.click(`${gap} button.more`);
    await page.waitForFunction((selector) => document.querySelector(`${selector} .keys`).querySelectorAll("a").length > 10, gap, { timeout: 60000 });
    const more = await read();
    await page.screenshot({ path: `${spec.artifacts}/analysis-gaps.png`, fullPage: true });
    return { first, more, counts };
  },

  async dashboardTools(page, args) {
    const loaded = () => document.body.dataset.loaded === "true";
    const again = async (act) => {
      await page.evaluate(() => { delete document.body.dataset.loaded; });
      await act();
      await page.waitForFunction(() => document.body.dataset.loaded, null, { timeout: 120000 });
    };
    const read = () => page.evaluate(() => ({
      velocity: Number(document.querySelector("#velocity-tile .v").textContent),
      weeks: document.getElementById("weeks").textContent,
      status: document.getElementById("status").textContent,
      error: document.getElementById("error").hidden ? "" : document.getElementById("error").textContent,
      forecast: document.getElementById("forecast-text").textContent,
      address: location.search,
    }));
    await visit(page, `/dashboard?stream=${encodeURIComponent(args.stream)}&window=90&until=${args.until}`, loaded);
    const plain = await read();

    await again(() => page.selectOption("#tz", args.zone));
    const zoned = await read();
    await again(() => page.selectOption("#tz", "UTC"));

    await page.click("#flowtypes summary");
    await again(() => page.check('#flowtypes input[value="DEFECT"]'));
    await page.click("#flowtypes summary");
    const defects = await read();
    await page.screenshot({ path: `${spec.artifacts}/dashboard-filters.png`, fullPage: true });
    await again(() => page.click("#clear-filters"));
    const teams = await page.evaluate(() => [...document.querySelectorAll("#team option")].map((o) => o.value).filter(Boolean));
    await again(() => page.selectOption("#team", teams[0]));
    const team = await read();
    await again(() => page.click("#clear-filters"));

    const csv = {};
    for (const name of ["map", "flow", "cfd", "distribution", "flowtime", "forecast", "dora", "aging"]) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(`button.csv[data-panel="${name}"]`)]);
      const text = readFileSync(await download.path(), "utf8");
      csv[name] = { file: download.suggestedFilename(), header: text.split("\n")[0], rows: text.trim().split("\n").length - 1 };
    }

    // A window before any data: empty tiles say what the data-quality checks found.
    await visit(page, `/dashboard?stream=${encodeURIComponent(args.stream)}&window=30&until=2020-01-01`, loaded);
    const quality = await page.evaluate(() => ({
      shown: !document.getElementById("quality").hidden,
      findings: [...document.querySelectorAll("#quality li")].map((li) => li.dataset.finding),
    }));
    await page.screenshot({ path: `${spec.artifacts}/dashboard-empty.png` });

    await visit(page, "/dashboard?stream=ValueStream:no-such-stream", () => document.body.dataset.loaded === "error");
    await page.screenshot({ path: `${spec.artifacts}/dashboard-unknown.png` });
    return { plain, zoned, defects, teams, team, csv, quality, unknown: await page.textContent("#error") };
  },

  async token(page, args) {
    // A vsgraph that requires tokens: the page asks for one once, then draws.
    const prompts = [];
    page.on("dialog", async (dialog) => { prompts.push(dialog.message()); await dialog.accept(args.token); });
    await visit(page, `/explorer?node=${encodeURIComponent(args.node)}`,
      () => window.explorer && window.explorer.cy.nodes().length > 1);
    const drawn = await page.evaluate(() => window.explorer.cy.nodes().length);
    return { prompts, drawn };
  },
};

const browser = await chromium.launch({
  executablePath: process.env.VSG_CHROMIUM || "/usr/bin/chromium",
  args: FLAGS,
});
const consoleErrors = [];
const failedRequests = [];
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("requestfailed", (r) => failedRequests.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => { if (r.status() >= 400) failedRequests.push(`${r.url()} ${r.status()}`); });
  const found = await scenarios[spec.scenario](page, spec.args || {});
  process.stdout.write(JSON.stringify({ ...found, consoleErrors, failedRequests }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: String(err && err.stack || err), consoleErrors, failedRequests }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
