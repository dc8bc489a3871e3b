// The analyses of one value stream (docs/analysis.md), each section one GraphQL query so
// that a slow one does not hold the others up; the team network drawn with cytoscape.
import cytoscape from "/static/vendor/cytoscape/cytoscape.esm.min.mjs";
import { el, gql } from "/static/app/graphql.js";

const STREAMS = `{ valueStreams(first: 500) { edges { node { id name product { id name } } } } }`;
const W = `$id: ID!, $from: DateTime!, $to: DateTime!`;
const Q_HEAD = `query($id: ID!) { node(id: $id) { __typename ... on ValueStream { id name product { id name } } } }`;
const Q_CONSTRAINT = `query(${W}) { node(id: $id) { ... on ValueStream { constraints(from: $from, to: $to) {
    ranking { rank flowTimeShare queueGrowth wip timeInStageDays score reason stage { id name } queue { id name } } } } } }`;
const Q_SKILLS = `query(${W}) { node(id: $id) { ... on ValueStream { skillGaps(from: $from, to: $to) {
    needed best shortfall atConstraint stage { id name } skill { id name }
    teams { id name members { id name skills { level skill { id } } } } } } } }`;
const Q_NETWORK = `query(${W}) { node(id: $id) { ... on ValueStream { teamNetwork(from: $from, to: $to) {
    teams { betweenness waitedOnBy waits team { id name } }
    edges { blocked handoffs dependsOn weight team { id name } on { id name } }
    mostWaitedOn { waitedOnBy team { id name } } cycles { teams { name } } } } } }`;
const Q_CRITICAL = `query(${W}) { node(id: $id) { ... on ValueStream { criticalPath(from: $from, to: $to) {
    keys days medianFlowTimeDays items { id key title } cycles { keys } } } } }`;
// Each gap counted whole and listed a page at a time (first: 10), the rest on asking
// ("more": the next MORE_GAPS after the last key shown, moreGaps).
const Q_GAPS = `query(${W}) { node(id: $id) { ... on ValueStream { traceabilityGaps(from: $from, to: $to) {
    commitsWithoutWorkItemCount doneFeaturesNotDeployedCount deployedFeaturesWithoutFeedbackCount
    commitsWithoutWorkItem(first: 10) { id key message } doneFeaturesNotDeployed(first: 10) { id key title }
    deployedFeaturesWithoutFeedback(first: 10) { id key title } } } } }`;
const Q_FORECAST = `query($id: ID!, $items: Int, $by: DateTime, $start: DateTime!) { node(id: $id) { ... on ValueStream {
    forecast(items: $items, by: $by, from: $start) { start samples meanDaily trials
      when { items p50 p85 p95 } howMany { by days p50 p85 p95 } } } } }`;
const Q_RECOMMENDATIONS = `query(${W}) { node(id: $id) { ... on ValueStream { recommendations(from: $from, to: $to) {
    kind title evidence itemKeys stages { id name } teams { id name } } } } }`;
const Q = {
  head: Q_HEAD,
  constraint: Q_CONSTRAINT,
  skills: Q_SKILLS,
  network: Q_NETWORK,
  critical: Q_CRITICAL,
  gaps: Q_GAPS,
  forecast: Q_FORECAST,
  recommendations: Q_RECOMMENDATIONS,
};
const MORE_GAPS = 50;
const GAP_FIELDS = { commitsWithoutWorkItem: "id key message", doneFeaturesNotDeployed: "id key title", deployedFeaturesWithoutFeedback: "id key title" };
const moreGaps = (field) => `query(${W}, $after: String!) { node(id: $id) { ... on ValueStream { traceabilityGaps(from: $from, to: $to) {
    ${field}(first: ${MORE_GAPS}, after: $after) { ${GAP_FIELDS[field]} } } } } }`;
const RAISE = `mutation($input: RaiseBacklogItemInput!) { raiseBacklogItem(input: $input) {
  __typename ... on BacklogItemRaised { item { id key title } }
  ... on BacklogItemRejected { problems { field message } } } }`;

const $ = (id) => document.getElementById(id);
const fmt = (v, digits = 1) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
const pct = (v) => (v === null || v === undefined ? "–" : `${Math.round(100 * v)}%`);
const day = (iso) => (iso ? iso.slice(0, 10) : "–");
const node = (id, text) => el("a", { href: `/explorer?node=${encodeURIComponent(id)}` }, text);
// A list of elements separated by `sep`, flat (el() flattens one level only).
const joined = (items, render, sep = ", ") => items.flatMap((x, i) => (i ? [sep, render(x)] : [render(x)]));
const table = (heads, rows) => el("table", {}, el("tr", {}, heads.map((h) => el("th", {}, h))), rows);
const state = { id: null, product: null, from: null, to: null };
let network = null;

function show(target, error) {
  $(target).classList.remove("muted");
  $(target).replaceChildren(el("span", { class: "error" }, `Could not compute this: ${error.message}`));
}

function drawConstraint(c) {
  const ranking = c.ranking;
  const top = ranking[0];
  $("constraint").classList.remove("muted");
  $("constraint").replaceChildren(
    top ? el("div", { class: "headline", id: "constraint-name", "data-stage": top.stage.id }, `Constraint: ${top.stage.name}`) : el("div", {}, "No stations in this window."),
    top ? el("div", {}, top.reason) : "",
    ranking.length ? table(["#", "Station", "Queue", "Share of flow time", "Queue growth", "WIP", "Days (queue + stage)", "Score"],
      ranking.map((r) => el("tr", { class: r.rank === 1 ? "top" : "" },
        el("td", {}, r.rank), el("td", {}, r.stage ? node(r.stage.id, r.stage.name) : "–"),
        el("td", {}, r.queue.map((q) => q.name).join(", ") || "–"), el("td", { class: "num" }, pct(r.flowTimeShare)),
        el("td", { class: "num" }, r.queueGrowth), el("td", { class: "num" }, r.wip),
        el("td", { class: "num" }, fmt(r.timeInStageDays)), el("td", { class: "num" }, fmt(r.score, 3))))) : "",
  );
}

function drawSkills(gaps) {
  $("skills").classList.remove("muted");
  if (!gaps.length) { $("skills").replaceChildren("No skill gaps: the teams working in the stream cover every level the stages need."); return; }
  $("skills").replaceChildren(table(["Stage", "Skill", "Needed", "Best in the teams", "People (level)"],
    gaps.map((g) => {
      const people = g.teams.flatMap((t) => t.members.map((p) => [p, (p.skills.find((s) => g.skill && s.skill.id === g.skill.id) || {}).level ?? 0]))
        .sort((a, b) => b[1] - a[1]).slice(0, 6);
      return el("tr", { class: g.atConstraint ? "top" : "", "data-skill": g.skill ? g.skill.id : "" },
        el("td", {}, g.stage ? g.stage.name : "–", g.atConstraint ? " (constraint)" : ""),
        el("td", {}, g.skill ? node(g.skill.id, g.skill.name) : "–"), el("td", { class: "num" }, g.needed),
        el("td", { class: "num" }, `${g.best} (short ${g.shortfall})`),
        el("td", {}, people.length ? joined(people, ([p, level]) => el("span", {}, node(p.id, p.name), ` ${level}`)) : "nobody"));
    })));
}

function drawNetwork(n) {
  const elements = [
    ...n.teams.filter((t) => t.team).map((t) => ({ data: { id: t.team.id, label: `${t.team.name} (${t.waitedOnBy})`, size: 20 + 40 * t.betweenness } })),
    ...n.edges.filter((e) => e.team && e.on).map((e, i) => ({ data: { id: `w${i}`, source: e.team.id, target: e.on.id, weight: e.weight, label: `${e.weight}` } })),
  ];
  if (network) network.destroy();
  network = cytoscape({
    container: $("network"), elements, wheelSensitivity: 0.3,
    layout: { name: elements.length > 1 ? "circle" : "grid", padding: 20 },
    style: [
      { selector: "node", style: { label: "data(label)", width: "data(size)", height: "data(size)", "background-color": "#47a3f3", "font-size": 10 } },
      { selector: "edge", style: { width: "mapData(weight, 1, 20, 1, 8)", "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#9fb3c8", "target-arrow-color": "#9fb3c8", label: "data(label)", "font-size": 9 } },
    ],
  });
  window.analysis = { network };
  const most = n.mostWaitedOn;
  $("network-text").replaceChildren(
    el("div", { id: "most-waited-on" }, most && most.team ? `Most waited on: ${most.team.name} (${most.waitedOnBy} teams wait on it)` : "No team waits on another in this window."),
    el("div", { class: "muted" }, `${n.teams.length} teams, ${n.edges.length} waits (an arrow: team waits on team; width: blocked items + hand-offs)` +
      (n.cycles.length ? `; cycles: ${n.cycles.map((c) => c.teams.map((t) => t.name).join(" → ")).join("; ")}` : "")),
  );
}

function drawCritical(p) {
  $("critical").classList.remove("muted");
  if (!p.items.length) { $("critical").replaceChildren("No open blocking chain."); return; }
  $("critical").replaceChildren(
    el("div", {}, `${p.items.length} items, about ${fmt(p.days)} days at the median flow time (${fmt(p.medianFlowTimeDays)} d each):`),
    el("div", { class: "chain", id: "critical-chain" }, joined(p.items, (w) => el("a", { href: `/explorer?trace=${encodeURIComponent(w.key)}`, title: w.title }, w.key), "→")),
    p.cycles.length ? el("div", { class: "error" }, `Blocking cycles: ${p.cycles.map((c) => c.keys.join(" → ")).join("; ")}`) : "",
  );
}

// One gap: the keys shown, "N of TOTAL", and a "more" button while some are not shown.
function gapList(g, field, text) {
  const total = g[`${field}Count`];
  if (!total) return "";
  const items = [...g[field]];
  const keys = el("span", { class: "keys" }, joined(items, (x) => node(x.id, x.key)));
  const shown = el("span", { class: "muted shown" });
  const more = el("button", { type: "button", class: "more" }, "more");
  const update = () => {
    shown.textContent = ` (${items.length} of ${total})`;
    more.hidden = items.length >= total;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const v = { id: state.id, from: state.from.toISOString(), to: state.to.toISOString(), after: items[items.length - 1].key };
      const page = (await gql(moreGaps(field), v)).node.traceabilityGaps[field];
      keys.append(...page.flatMap((x) => [", ", node(x.id, x.key)]));
      items.push(...page);
      // An empty page: the data changed since the count; nothing more to ask for.
      if (!page.length) more.hidden = true; else update();
    } catch (error) {
      more.replaceWith(el("span", { class: "error" }, ` Could not list more: ${error.message}`));
    } finally {
      more.disabled = false;
    }
  });
  update();
  return el("div", { class: "gap", "data-gap": field }, el("b", {}, text), " ", keys, shown, " ", more);
}

function drawGaps(g) {
  $("gaps").classList.remove("muted");
  $("gaps").replaceChildren(
    el("div", { class: "counts" },
      el("div", { class: "count" }, el("b", { id: "gap-commits" }, g.commitsWithoutWorkItemCount), "deployed commits with no work item"),
      el("div", { class: "count" }, el("b", { id: "gap-undeployed" }, g.doneFeaturesNotDeployedCount), "done features with no deployment"),
      el("div", { class: "count" }, el("b", { id: "gap-no-feedback" }, g.deployedFeaturesWithoutFeedbackCount), "deployed features with no feedback")),
    gapList(g, "commitsWithoutWorkItem", "Commits:"), gapList(g, "doneFeaturesNotDeployed", "Not deployed:"),
    gapList(g, "deployedFeaturesWithoutFeedback", "No feedback:"),
  );
}

function drawForecast(f) {
  const w = f.when, h = f.howMany;
  const total = f.samples.reduce((a, b) => a + b, 0);
  $("forecast").classList.remove("muted");
  $("forecast").replaceChildren(
    el("div", { id: "forecast-history" }, `${f.trials.toLocaleString()} trials, sampling ${f.samples.length} days of history before ${day(f.start)} (${total} items done, ${fmt(f.meanDaily, 2)} a day):`),
    el("div", { class: "chain" }, f.samples.map((n) => el("span", { title: `${n} done`, style: `display:inline-block;width:4px;height:${2 + 6 * n}px;background:#3ebd93;align-self:flex-end` }))),
    table(["Question", "50%", "85%", "95%"], [
      w ? el("tr", {}, el("td", {}, `${w.items} more items done by`), el("td", {}, day(w.p50)), el("td", {}, day(w.p85)), el("td", {}, day(w.p95))) : null,
      h ? el("tr", {}, el("td", {}, `items done by ${day(h.by)} (${h.days} d), at least`), el("td", {}, h.p50), el("td", {}, h.p85), el("td", {}, h.p95)) : null,
    ]),
  );
}

function raiseForm(r, out) {
  const kinds = ["DEBT", "RISK", "FEATURE", "DEFECT"];
  const suggested = r.kind === "SKILLS" || r.kind === "TRACEABILITY" ? "DEBT" : r.kind === "DEPENDENCY" || r.kind === "CYCLE" ? "RISK" : "DEBT";
  const form = el("form", { class: "raise" },
    el("select", { name: "kind" }, kinds.map((k) => el("option", k === suggested ? { value: k, selected: "" } : { value: k }, k.toLowerCase()))),
    el("input", { name: "title", value: r.title, "aria-label": "title" }),
    el("button", { type: "submit" }, "Raise"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const evidence = {};
    if (r.stages.length) evidence.stage = r.stages[0].id;
    else if (r.teams.length) evidence.team = r.teams[0].id;
    out.replaceChildren("Raising…");
    try {
      const data = await gql(RAISE, { input: { product: state.product, kind: form.kind.value, title: form.title.value, description: r.evidence, evidence } });
      const result = data.raiseBacklogItem;
      if (result.__typename === "BacklogItemRaised") {
        out.replaceChildren(el("span", { class: "raised" }, "Raised ", el("a", { href: `/explorer?node=${encodeURIComponent(result.item.id)}`, class: "raised-item" }, result.item.key), ` (${form.kind.value.toLowerCase()}), linked to its evidence`));
        form.remove();
      } else {
        out.replaceChildren(el("span", { class: "why" }, result.problems.map((p) => `${p.field}: ${p.message}`).join("; ")));
      }
    } catch (error) {
      out.replaceChildren(el("span", { class: "why" }, /permission|editor|denied|not allowed/i.test(error.message) ? `Raising needs an editor's token: ${error.message}` : error.message));
    }
  });
  return form;
}

function drawRecommendations(recs) {
  $("recommendations").classList.remove("muted");
  if (!recs.length) { $("recommendations").replaceChildren("Nothing to recommend in this window."); return; }
  $("recommendations").replaceChildren(...recs.map((r) => {
    const out = el("span", {});
    const evidence = r.stages.length || r.teams.length;
    return el("div", { class: "rec", "data-kind": r.kind },
      el("div", {}, el("span", { class: "kind" }, r.kind.toLowerCase().replace("_", " ")), el("b", {}, r.title)),
      el("div", { class: "muted" }, r.evidence,
        r.itemKeys.length ? [" Items: ", ...joined(r.itemKeys.slice(0, 8), (k) => el("a", { href: `/explorer?trace=${encodeURIComponent(k)}` }, k))] : ""),
      state.product && evidence ? raiseForm(r, out) : el("div", { class: "muted" }, state.product ? "" : "No product: nothing to raise the item in."),
      out);
  }));
}

async function section(name, draw, variables, target = name) {
  try {
    const data = await gql(Q[name], variables);
    const vs = data.node;
    draw(Object.values(vs)[0]);
  } catch (error) {
    show(target, error);
  }
}

function forecastVariables() {
  const items = Number($("fc-items").value) || null;
  const by = $("fc-by").value ? new Date(`${$("fc-by").value}T00:00:00Z`).toISOString() : null;
  const start = new Date(state.to.getTime());
  return { id: state.id, items, by, start: start.toISOString() };
}

async function load() {
  const id = $("stream").value;
  const days = Number($("window").value);
  const end = $("until").value ? new Date(`${$("until").value}T00:00:00Z`) : new Date();
  const from = new Date(end.getTime() - days * 86400000);
  const params = new URLSearchParams({ stream: id, window: days });
  if ($("until").value) params.set("until", $("until").value);
  history.replaceState(null, "", `/analysis?${params}`);
  $("to-dashboard").href = `/dashboard?${params}`;
  const head = (await gql(Q.head, { id })).node;
  if (!head || head.__typename !== "ValueStream") throw new Error(`There is no value stream ${id}: pick one above, or see the home page for every stream.`);
  Object.assign(state, { id, product: head.product ? head.product.id : null, from, to: end });
  // "How many by": 30 days after the forecast's start unless asked otherwise.
  if (!$("fc-by").value) $("fc-by").value = day(new Date(end.getTime() + 30 * 86400000).toISOString());
  $("status").textContent = `${head.name}${head.product ? ` (${head.product.name})` : ""}, ${day(from.toISOString())} to ${day(end.toISOString())} UTC`;
  for (const target of ["constraint", "skills", "critical", "gaps", "forecast", "recommendations"]) { $(target).classList.add("muted"); $(target).textContent = "Loading…"; }
  const v = { id, from: from.toISOString(), to: end.toISOString() };
  await Promise.all([
    section("constraint", drawConstraint, v), section("skills", drawSkills, v),
    section("network", drawNetwork, v, "network-text"), section("critical", drawCritical, v),
    section("gaps", drawGaps, v), section("forecast", drawForecast, forecastVariables()),
    section("recommendations", drawRecommendations, v),
  ]);
  document.body.dataset.loaded = "true";
}

async function run(action) {
  $("error").hidden = true;
  delete document.body.dataset.loaded;
  try { await action(); } catch (err) {
    $("error").textContent = err.message; $("error").hidden = false; $("status").textContent = "";
    for (const target of ["constraint", "skills", "critical", "gaps", "forecast", "recommendations"]) $(target).textContent = "";
    document.body.dataset.loaded = "error";
  }
}

run(async () => {
  const params = new URLSearchParams(location.search);
  if (params.get("window")) $("window").value = params.get("window");
  if (params.get("until")) $("until").value = params.get("until");
  const streams = (await gql(STREAMS)).valueStreams.edges.map((e) => e.node);
  $("stream").replaceChildren(...streams.map((s) => el("option", { value: s.id }, `${s.product ? s.product.name + " · " : ""}${s.name}`)));
  if (!streams.length) throw new Error("No value streams yet: load some data (vsg demo).");
  const asked = params.get("stream");
  if (asked) {
    // Ids as the pages write them (ValueStream:key) or bare keys.
    const id = asked.includes(":") ? asked : `ValueStream:${asked}`;
    if (!streams.some((s) => s.id === id)) $("stream").append(el("option", { value: id }, id));
    $("stream").value = id;
  }
  await load();
});
for (const id of ["stream", "window", "until"]) $(id).addEventListener("change", () => run(load));
$("forecast-form").addEventListener("submit", (event) => {
  event.preventDefault();
  section("forecast", drawForecast, forecastVariables());
});
