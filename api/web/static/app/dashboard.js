// The value-stream dashboard: one GraphQL query per selection, drawn with Chart.js
// (vendored, the global `Chart`).
import { el, gql } from "/static/app/graphql.js";

const STREAMS = `{ valueStreams(first: 200) { edges { node { id key name product { id name } } } } }`;

// The stream itself: its stages, constraint, product (teams). Filters do not apply.
const STREAM = `
  query($id: ID!, $from: DateTime!, $to: DateTime!) {
    node(id: $id) {
      __typename
      ... on ValueStream {
        name
        stages { id name order state }
        constraints(from: $from, to: $to) { constraint { reason score stage { id name } queue { id name } } }
        product { id name teams { id name } }
      }
    }
  }`;

// The DORA figures of the stream's product: a request of its own, so that the server
// reads them beside the constraint's flow data rather than after it in one answer.
const DORA = `
  query($id: ID!, $from: DateTime!, $to: DateTime!) {
    node(id: $id) {
      ... on ValueStream {
        product {
          id name
          dora(from: $from, to: $to) {
            deploymentFrequency { deployments perDay level }
            leadTime { changes medianHours level }
            changeFailureRate { deployments failed rate level }
            timeToRestore { incidents medianHours level }
          }
        }
      }
    }
  }`;

// The flow figures of a scope (the stream, or with a team chosen the team's items),
// filtered by kinds and flow types.
const FLOW = `
  query($scope: ID!, $from: DateTime!, $to: DateTime!, $kinds: [WorkItemKind!], $flowTypes: [FlowType!]) {
    node(id: $scope) {
      ... on FlowScope {
        stageMetrics(from: $from, to: $to, kinds: $kinds, flowTypes: $flowTypes) { wip arrivals departures flowTimeShare timeInStage { medianDays p85Days } stage { id } }
        flowMetrics(from: $from, to: $to, kinds: $kinds, flowTypes: $flowTypes) {
          flowVelocity flowLoad flowLoadDailyMean flowEfficiency
          flowTime { count medianDays p85Days meanDays }
          byFlowType { flowType velocity flowTime { medianDays p85Days } }
          distributionDone { flowType count share }
          flowVelocityWeekly { start end count }
        }
        cfd(from: $from, to: $to, interval: DAY, kinds: $kinds, flowTypes: $flowTypes) { points { end counts } stages { id name } }
        agingWip(from: $from, to: $to, first: 15, kinds: $kinds, flowTypes: $flowTypes) { count p85FlowTimeDays items { ageDays daysInStage pastP85 kind item { id key title } stage { name } } }
      }
    }
  }`;

// When 20 more items will be done and how many by 30 days on, from the stream's history.
const FORECAST = `
  query($id: ID!, $start: DateTime!, $by: DateTime!) {
    node(id: $id) { ... on ValueStream { forecast(items: 20, by: $by, from: $start) {
      samples meanDaily when { items p50 p85 p95 } howMany { by days p50 p85 p95 } } } }
  }`;

// What makes figures empty or doubtful (dataQuality), asked only when a tile is empty.
const QUALITY = `{ dataQuality { problems findings { key title count affects fix } } }`;

const $ = (id) => document.getElementById(id);
const COLOURS = ["#9fb3c8", "#f0b429", "#47a3f3", "#f7c948", "#2186eb", "#e12d39", "#8719e0", "#3ebd93", "#27ab83", "#186faf"];
const FLOW_COLOURS = { FEATURE: "#2186eb", DEFECT: "#e12d39", RISK: "#f0b429", DEBT: "#8719e0" };
const charts = {};

const fmt = (v, digits = 1) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
// A UTC day (the buckets of the CFD, the window's ends): always its UTC date.
const day = (iso) => (iso ? iso.slice(0, 10) : "–");
const WEEK_MS = 7 * 86400000;

// The display time zone: UTC unless chosen (kept in this browser). Data stay in UTC.
const TZ_KEY = "vsg.timezone";
const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
function zone() { return localStorage.getItem(TZ_KEY) || "UTC"; }
function when(iso, withTime = false) {
  if (!iso) return "–";
  const options = { timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit" };
  if (withTime) Object.assign(options, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return new Intl.DateTimeFormat("en-CA", options).format(new Date(iso)).replace(",", "");
}

// What each panel's CSV holds, set when the panel is drawn.
const panels = {};
function panel(name, header, rows) { panels[name] = { header, rows }; }
function csvText({ header, rows }) {
  const cell = (v) => {
    const text = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\n") + "\n";
}
function download(name) {
  const data = panels[name];
  if (!data) return;
  const stream = $("stream").value.replace(/^ValueStream:/, "");
  const link = el("a", { href: URL.createObjectURL(new Blob([csvText(data)], { type: "text/csv" })), download: `${stream}-${name}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

// The filters as GraphQL variables (null: not filtered) and as the address keeps them.
const ticked = (id) => [...$(id).querySelectorAll("input:checked")].map((i) => i.value);
function filters() {
  const kinds = ticked("kinds"), flowTypes = ticked("flowtypes");
  return { kinds: kinds.length ? kinds : null, flowTypes: flowTypes.length ? flowTypes : null, team: $("team").value || null };
}
function describeFilters() {
  const f = filters();
  $("kinds").querySelector("summary span").textContent = f.kinds ? f.kinds.map((k) => k.toLowerCase()).join(", ") : "flow items";
  $("flowtypes").querySelector("summary span").textContent = f.flowTypes ? f.flowTypes.map((k) => k.toLowerCase()).join(", ") : "all";
}

function tile(value, text, level) {
  return el("div", { class: "tile" }, el("div", { class: "v" }, value, " ",
    level !== undefined ? el("span", { class: `level ${level || "NONE"}` }, level || "no data") : null),
    el("div", { class: "l" }, text));
}

function chart(id, config) {
  if (charts[id]) charts[id].destroy();
  config.options = { responsive: true, maintainAspectRatio: false, animation: false, ...config.options };
  charts[id] = new Chart($(id), config);
}

function drawMap(vs, stageMetrics) {
  const metrics = new Map(stageMetrics.map((m) => [m.stage.id, m]));
  panel("map", ["stage", "name", "state", "constraint", "wip", "arrivals", "departures", "timeInStageMedianDays", "timeInStageP85Days", "flowTimeShare"],
    vs.stages.map((s) => {
      const m = metrics.get(s.id) || { timeInStage: {} };
      const c = vs.constraints.constraint;
      const hot = c && (c.stage.id === s.id || c.queue.some((q) => q.id === s.id));
      return [s.id, s.name, s.state, hot ? "yes" : "", m.wip ?? 0, m.arrivals ?? 0, m.departures ?? 0, m.timeInStage.medianDays, m.timeInStage.p85Days, m.flowTimeShare];
    }));
  const c = vs.constraints.constraint;
  const hot = new Set(c ? [c.stage.id, ...c.queue.map((s) => s.id)] : []);
  $("vsm").classList.remove("muted");
  $("vsm").replaceChildren(...vs.stages.map((s) => {
    const m = metrics.get(s.id) || { wip: 0, timeInStage: {} };
    return el("div", { class: `stage ${s.state} ${hot.has(s.id) ? "constraint" : ""}`, "data-stage": s.id },
      el("b", {}, s.name), el("span", { class: "muted" }, s.state),
      el("div", { class: "wip" }, m.wip), el("div", { class: "muted" }, "WIP"),
      el("div", {}, `time in stage p50 ${fmt(m.timeInStage.medianDays)} d, p85 ${fmt(m.timeInStage.p85Days)} d`),
      el("div", { class: "muted" }, `in ${m.arrivals ?? 0} / out ${m.departures ?? 0}`));
  }));
  $("reason").textContent = c ? `Constraint: ${c.stage.name}${c.queue.length ? ` (with its queue ${c.queue.map((s) => s.name).join(", ")})` : ""} — ${c.reason}` : "No constraint found in this window.";
}

// Weeks run Monday 00:00 to Monday 00:00 UTC; the window clips the first and last. The
// last *full* week is compared with the one before it; a week still running is "so far".
function weeks(points) {
  const span = (p) => new Date(p.end).getTime() - new Date(p.start).getTime();
  const full = points.filter((p) => span(p) >= WEEK_MS);
  const last = points.at(-1);
  return { last: full.at(-1), before: full.at(-2), partial: last && span(last) < WEEK_MS ? last : null };
}

function weekText(w) {
  const parts = [];
  if (w.last) {
    const trend = w.before ? w.last.count - w.before.count : null;
    parts.push(`last full week (${day(w.last.start)} to ${day(new Date(new Date(w.last.end).getTime() - 86400000).toISOString())}): ${w.last.count}` +
      (trend === null ? "" : ` (${trend >= 0 ? "+" : ""}${trend} on the week before)`));
  }
  if (w.partial) parts.push(`this week so far (since ${day(w.partial.start)}): ${w.partial.count}`);
  return parts.join("; ");
}

function drawFlow(f) {
  const w = weeks(f.flowVelocityWeekly);
  panel("flow", ["metric", "value"], [
    ["flowVelocity", f.flowVelocity], ["lastFullWeekStart", w.last ? w.last.start : ""], ["lastFullWeekVelocity", w.last ? w.last.count : ""],
    ["weekBeforeVelocity", w.before ? w.before.count : ""], ["thisWeekSoFarStart", w.partial ? w.partial.start : ""], ["thisWeekSoFarVelocity", w.partial ? w.partial.count : ""],
    ["flowTimeMedianDays", f.flowTime.medianDays], ["flowTimeP85Days", f.flowTime.p85Days], ["flowTimeCount", f.flowTime.count],
    ["flowEfficiency", f.flowEfficiency], ["flowLoad", f.flowLoad], ["flowLoadDailyMean", f.flowLoadDailyMean],
    ...f.flowVelocityWeekly.map((p) => [`velocityWeek ${p.start}`, p.count]),
  ]);
  panel("distribution", ["flowType", "count", "share"], f.distributionDone.map((d) => [d.flowType, d.count, d.share]));
  panel("flowtime", ["flowType", "velocity", "medianDays", "p85Days"], [
    ...f.byFlowType.map((t) => [t.flowType, t.velocity, t.flowTime.medianDays, t.flowTime.p85Days]),
    ["ALL", f.flowVelocity, f.flowTime.medianDays, f.flowTime.p85Days]]);
  $("flow").replaceChildren(
    el("div", { class: "tile", id: "velocity-tile" }, el("div", { class: "v" }, f.flowVelocity),
      el("div", { class: "l" }, "flow velocity (items done in the window)"), el("div", { class: "week", id: "weeks" }, weekText(w))),
    tile(`${fmt(f.flowTime.medianDays)} d`, `flow time p50 (p85 ${fmt(f.flowTime.p85Days)} d, ${f.flowTime.count} items)`),
    tile(f.flowEfficiency === null ? "–" : `${fmt(100 * f.flowEfficiency, 0)}%`, "flow efficiency"),
    tile(f.flowLoad, `flow load now (daily mean ${fmt(f.flowLoadDailyMean)})`),
  );
  chart("distribution", {
    type: "doughnut",
    data: { labels: f.distributionDone.map((d) => `${d.flowType} (${d.count})`), datasets: [{ data: f.distributionDone.map((d) => d.count), backgroundColor: f.distributionDone.map((d) => FLOW_COLOURS[d.flowType]) }] },
    options: { plugins: { legend: { position: "right" } } },
  });
  const types = f.byFlowType.map((t) => t.flowType);
  const line = (value, label, colour) => ({ type: "line", label, data: types.map(() => value), borderColor: colour, borderDash: [6, 4], pointRadius: 0, borderWidth: 2 });
  chart("flowtime", {
    type: "bar",
    data: { labels: types, datasets: [
      { label: "median days", data: f.byFlowType.map((t) => t.flowTime.medianDays), backgroundColor: "#47a3f3" },
      { label: "p85 days", data: f.byFlowType.map((t) => t.flowTime.p85Days), backgroundColor: "#1d4ed8" },
      line(f.flowTime.medianDays, `all items p50 ${fmt(f.flowTime.medianDays)} d`, "#2f8132"),
      line(f.flowTime.p85Days, `all items p85 ${fmt(f.flowTime.p85Days)} d`, "#d64545"),
    ] },
    options: { scales: { y: { title: { display: true, text: "days" }, beginAtZero: true } } },
  });
}

function drawCfd(cfd) {
  panel("cfd", ["dayEnd", ...cfd.stages.map((s) => s.name)], cfd.points.map((p) => [p.end, ...p.counts]));
  // Done at the bottom: datasets from the last stage to the first, stacked.
  const labels = cfd.points.map((p) => day(p.end));
  const datasets = cfd.stages.map((s, i) => ({
    label: s.name, data: cfd.points.map((p) => p.counts[i]), fill: true, pointRadius: 0, borderWidth: 1,
    backgroundColor: COLOURS[i % COLOURS.length], borderColor: COLOURS[i % COLOURS.length],
  })).reverse();
  chart("cfd", { type: "line", data: { labels, datasets }, options: { scales: { y: { stacked: true, title: { display: true, text: "items" } }, x: { ticks: { maxTicksLimit: 12 } } }, plugins: { legend: { position: "right", reverse: true } } } });
}

function drawForecast(f) {
  const w = f.when, h = f.howMany;
  panel("forecast", ["question", "p50", "p85", "p95"], [
    ...(w ? [[`${w.items} more items done by`, w.p50, w.p85, w.p95]] : []),
    ...(h ? [[`items done in the next ${h.days} days, at least`, h.p50, h.p85, h.p95]] : []),
    ...f.samples.map((n, i) => [`history day ${i - f.samples.length}`, n, "", ""]),
  ]);
  $("forecast-text").replaceChildren(
    el("div", {}, `From ${f.samples.length} days of history (${fmt(f.meanDaily, 2)} done a day): `),
    w ? el("div", {}, `${w.items} more items done by: 50% ${when(w.p50)}, 85% ${when(w.p85)}, 95% ${when(w.p95)}`) : null,
    h ? el("div", {}, `Items done in the next ${h.days} days: 50% ≥ ${h.p50}, 85% ≥ ${h.p85}, 95% ≥ ${h.p95}`) : null,
  );
  chart("forecast", { type: "bar", data: { labels: f.samples.map((_, i) => i - f.samples.length), datasets: [{ label: "items done per day (history sampled)", data: f.samples, backgroundColor: "#3ebd93" }] }, options: { scales: { x: { title: { display: true, text: "days before the forecast" }, ticks: { maxTicksLimit: 10 } } } } });
}

function drawDora(product) {
  if (!product) { $("dora").replaceChildren(el("span", { class: "muted" }, "No product")); return; }
  const d = product.dora;
  panel("dora", ["product", "key", "value", "unit", "count", "level"], [
    [product.name, "deploymentFrequency", d.deploymentFrequency.perDay, "per day", d.deploymentFrequency.deployments, d.deploymentFrequency.level],
    [product.name, "leadTimeMedian", d.leadTime.medianHours, "hours", d.leadTime.changes, d.leadTime.level],
    [product.name, "changeFailureRate", d.changeFailureRate.rate, "ratio", d.changeFailureRate.deployments, d.changeFailureRate.level],
    [product.name, "timeToRestoreMedian", d.timeToRestore.medianHours, "hours", d.timeToRestore.incidents, d.timeToRestore.level]]);
  $("dora").replaceChildren(
    tile(fmt(d.deploymentFrequency.perDay, 2), `deployments a day (${d.deploymentFrequency.deployments} in window)`, d.deploymentFrequency.level),
    tile(`${fmt(d.leadTime.medianHours)} h`, `lead time for changes, median (${d.leadTime.changes} changes)`, d.leadTime.level),
    tile(d.changeFailureRate.rate === null ? "–" : `${fmt(100 * d.changeFailureRate.rate, 0)}%`, `change failure rate (${d.changeFailureRate.failed}/${d.changeFailureRate.deployments})`, d.changeFailureRate.level),
    tile(`${fmt(d.timeToRestore.medianHours)} h`, `time to restore, median (${d.timeToRestore.incidents} incidents)`, d.timeToRestore.level),
  );
}

// When a tile has nothing to show, the data-quality findings that may be why.
async function drawQuality(empty) {
  $("quality").hidden = true;
  if (!empty) return;
  const found = (await gql(QUALITY)).dataQuality.findings.filter((f) => f.count > 0).slice(0, 5);
  if (!found.length) return;
  $("quality").replaceChildren(
    el("b", {}, `${empty} are empty in this window. Data-quality findings that may be why:`),
    el("ul", {}, found.map((f) => el("li", { "data-finding": f.key }, el("b", {}, `${f.title} (${f.count.toLocaleString()})`),
      el("span", { class: "muted" }, ` affects ${f.affects}. `), f.fix))),
    el("div", { class: "muted" }, "All of them: the dataQuality query in GraphQL, or vsg doctor."));
  $("quality").hidden = false;
}

function drawAging(aging) {
  // The API lists the oldest first, as many as asked for (`first`); `count` is all of them.
  const items = aging.items;
  panel("aging", ["item", "kind", "title", "stage", "ageDays", "daysInStage", "pastP85"],
    items.map((a) => [a.item ? a.item.key : "", a.kind, a.item ? a.item.title : "", a.stage ? a.stage.name : "", a.ageDays, a.daysInStage, a.pastP85]));
  $("aging").replaceChildren(
    el("div", { class: "muted" }, `${aging.count} items in progress; p85 flow time ${fmt(aging.p85FlowTimeDays)} d; the ${items.length} oldest:`),
    el("table", {}, el("tr", {}, ["Item", "Kind", "Title", "Stage", "Age (d)", "In stage (d)"].map((h) => el("th", {}, h))),
      items.map((a) => el("tr", {},
        el("td", {}, a.item ? el("a", { href: `/explorer?node=${encodeURIComponent(a.item.id)}` }, a.item.key) : "–"),
        el("td", {}, a.kind), el("td", {}, a.item ? a.item.title : ""), el("td", {}, a.stage ? a.stage.name : "–"),
        el("td", { class: a.pastP85 ? "past" : "" }, fmt(a.ageDays)), el("td", {}, fmt(a.daysInStage))))),
  );
}

async function load() {
  const id = $("stream").value;
  const days = Number($("window").value);
  const end = $("until").value ? new Date(`${$("until").value}T00:00:00Z`) : new Date();
  const from = new Date(end.getTime() - days * 86400000);
  const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()));
  const to = new Date(start.getTime() + 30 * 86400000);
  const f = filters();
  describeFilters();
  $("status").textContent = "Loading…";
  const params = new URLSearchParams({ stream: id, window: days });
  if ($("until").value) params.set("until", $("until").value);
  if (f.kinds) params.set("kinds", f.kinds.join(","));
  if (f.flowTypes) params.set("flowTypes", f.flowTypes.join(","));
  if (f.team) params.set("team", f.team);
  history.replaceState(null, "", `/dashboard?${params}`);
  $("to-analysis").href = `/analysis?${new URLSearchParams({ stream: id, window: days, ...($("until").value ? { until: $("until").value } : {}) })}`;
  const span = { from: from.toISOString(), to: end.toISOString() };
  // Sent together: none needs another's answer, and the page waits for the slowest only.
  // The forecast's howMany runs to `by`: 30 days after its start.
  const [stream, dora, flow, forecast] = await Promise.all([
    gql(STREAM, { id, ...span }),
    gql(DORA, { id, ...span }),
    gql(FLOW, { scope: f.team || id, ...span, kinds: f.kinds, flowTypes: f.flowTypes }),
    gql(FORECAST, { id, start: start.toISOString(), by: to.toISOString() }),
  ]);
  const vs = stream.node;
  if (!vs || vs.__typename !== "ValueStream") throw new Error(`There is no value stream ${id}.`);
  const teams = vs.product ? vs.product.teams : [];
  $("team").replaceChildren(el("option", { value: "" }, "every team"), ...teams.map((t) => el("option", { value: t.id }, t.name)));
  $("team").value = f.team && teams.some((t) => t.id === f.team) ? f.team : "";
  const scope = flow.node;
  if (!scope) throw new Error(`There is no team ${f.team}.`);
  drawMap(vs, scope.stageMetrics);
  drawFlow(scope.flowMetrics);
  drawCfd(scope.cfd);
  drawAging(scope.agingWip);
  const product = dora.node ? dora.node.product : null;
  drawDora(product);
  drawForecast(forecast.node.forecast);
  const flowEmpty = scope.flowMetrics.flowVelocity === 0 || scope.flowMetrics.flowTime.count === 0;
  const doraEmpty = product && product.dora.deploymentFrequency.deployments === 0;
  await drawQuality(flowEmpty || doraEmpty ? (flowEmpty ? "Flow figures" : "DORA figures") : null);
  const filtered = [f.kinds && `kinds ${f.kinds.join(", ").toLowerCase()}`, f.flowTypes && `flow types ${f.flowTypes.join(", ").toLowerCase()}`,
    f.team && `team ${$("team").selectedOptions[0].textContent}`].filter(Boolean);
  $("status").textContent = `${vs.name}${vs.product ? ` (${vs.product.name})` : ""}: ${day(from.toISOString())} to ${day(end.toISOString())} UTC` +
    `${zone() === "UTC" ? "" : ` (ends ${when(end.toISOString(), true)} ${zone()})`}` + (filtered.length ? `; ${filtered.join("; ")}` : "");
  document.body.dataset.loaded = "true";
}

async function run(action) {
  $("error").hidden = true;
  delete document.body.dataset.loaded;
  try { await action(); } catch (err) {
    $("error").textContent = err.message; $("error").hidden = false; $("status").textContent = "";
    if ($("vsm").textContent === "Loading…") $("vsm").textContent = "";
    document.body.dataset.loaded = "error";
  }
}

function setUp() {
  const zones = [...new Set(["UTC", local, "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"])];
  $("tz").replaceChildren(...zones.map((z) => el("option", { value: z }, z === local && z !== "UTC" ? `${z} (this browser)` : z)));
  $("tz").value = zone();
  for (const b of document.querySelectorAll("button.csv")) b.addEventListener("click", () => download(b.dataset.panel));
}

run(async () => {
  setUp();
  const params = new URLSearchParams(location.search);
  if (params.get("window")) $("window").value = params.get("window");
  if (params.get("until")) $("until").value = params.get("until");
  for (const [param, id] of [["kinds", "kinds"], ["flowTypes", "flowtypes"]]) {
    const chosen = new Set((params.get(param) || "").split(",").filter(Boolean));
    for (const box of $(id).querySelectorAll("input")) box.checked = chosen.has(box.value);
  }
  if (params.get("team")) $("team").replaceChildren(el("option", { value: params.get("team") }, params.get("team")));
  if (params.get("team")) $("team").value = params.get("team");
  const data = await gql(STREAMS);
  const streams = data.valueStreams.edges.map((e) => e.node);
  $("stream").replaceChildren(...streams.map((s) => el("option", { value: s.id }, `${s.product ? s.product.name + " · " : ""}${s.name}`)));
  if (!streams.length) { $("vsm").textContent = "No value streams yet: load some data (vsg demo)."; return; }
  const asked = params.get("stream");
  if (asked) {
    // Ids as the pages write them (ValueStream:key) or bare keys.
    const id = asked.includes(":") ? asked : `ValueStream:${asked}`;
    if (!streams.some((s) => s.id === id)) {
      $("vsm").textContent = "";
      throw new Error(`There is no value stream ${id}: choose one above (the home page lists them all).`);
    }
    $("stream").value = id;
  }
  await load();
});
for (const id of ["stream", "window", "until", "team"]) $(id).addEventListener("change", () => run(load));
for (const id of ["kinds", "flowtypes"]) $(id).addEventListener("change", () => run(load));
$("clear-filters").addEventListener("click", () => {
  for (const box of document.querySelectorAll(".pick input")) box.checked = false;
  $("team").value = "";
  run(load);
});
$("tz").addEventListener("change", () => { localStorage.setItem(TZ_KEY, $("tz").value); run(load); });
