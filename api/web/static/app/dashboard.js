// The value-stream dashboard: one GraphQL query per selection, drawn with Chart.js
// (vendored, the global `Chart`).
import { el, gql } from "/static/app/graphql.js";

const STREAMS = `{ valueStreams(first: 200) { edges { node { id key name product { id name } } } } }`;

const DASHBOARD = `
  query($id: ID!, $from: DateTime!, $to: DateTime!) {
    node(id: $id) {
      ... on ValueStream {
        name
        stages { id name order state }
        stageMetrics(from: $from, to: $to) { wip arrivals departures flowTimeShare timeInStage { medianDays p85Days } stage { id } }
        flowMetrics(from: $from, to: $to) {
          flowVelocity flowLoad flowLoadDailyMean flowEfficiency
          flowTime { count medianDays p85Days meanDays }
          byFlowType { flowType velocity flowTime { medianDays p85Days } }
          distributionDone { flowType count share }
          flowVelocityWeekly { start count }
        }
        cfd(from: $from, to: $to, interval: DAY) { points { end counts } stages { name } }
        agingWip(from: $from, to: $to, first: 15) { count p85FlowTimeDays items { ageDays daysInStage pastP85 kind item { id key title } stage { name } } }
        constraints(from: $from, to: $to) { constraint { reason score stage { id name } queue { id name } } }
        product {
          name
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

const $ = (id) => document.getElementById(id);
const COLOURS = ["#9fb3c8", "#f0b429", "#47a3f3", "#f7c948", "#2186eb", "#e12d39", "#8719e0", "#3ebd93", "#27ab83", "#186faf"];
const FLOW_COLOURS = { FEATURE: "#2186eb", DEFECT: "#e12d39", RISK: "#f0b429", DEBT: "#8719e0" };
const charts = {};

const fmt = (v, digits = 1) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
const day = (iso) => (iso ? iso.slice(0, 10) : "–");

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

function drawMap(vs) {
  const metrics = new Map(vs.stageMetrics.map((m) => [m.stage.id, m]));
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

function drawFlow(f) {
  const weekly = f.flowVelocityWeekly.map((p) => p.count);
  const trend = weekly.length >= 2 ? weekly[weekly.length - 1] - weekly[weekly.length - 2] : 0;
  $("flow").replaceChildren(
    tile(f.flowVelocity, `flow velocity (items done), last week ${weekly.at(-1) ?? "–"} (${trend >= 0 ? "+" : ""}${trend} on the week before)`),
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
  $("forecast-text").replaceChildren(
    el("div", {}, `From ${f.samples.length} days of history (${fmt(f.meanDaily, 2)} done a day): `),
    w ? el("div", {}, `${w.items} more items done by: 50% ${day(w.p50)}, 85% ${day(w.p85)}, 95% ${day(w.p95)}`) : null,
    h ? el("div", {}, `Items done in the next ${h.days} days: 50% ≥ ${h.p50}, 85% ≥ ${h.p85}, 95% ≥ ${h.p95}`) : null,
  );
  chart("forecast", { type: "bar", data: { labels: f.samples.map((_, i) => i - f.samples.length), datasets: [{ label: "items done per day (history sampled)", data: f.samples, backgroundColor: "#3ebd93" }] }, options: { scales: { x: { title: { display: true, text: "days before the forecast" }, ticks: { maxTicksLimit: 10 } } } } });
}

function drawDora(product) {
  if (!product) { $("dora").replaceChildren(el("span", { class: "muted" }, "No product")); return; }
  const d = product.dora;
  $("dora").replaceChildren(
    tile(fmt(d.deploymentFrequency.perDay, 2), `deployments a day (${d.deploymentFrequency.deployments} in window)`, d.deploymentFrequency.level),
    tile(`${fmt(d.leadTime.medianHours)} h`, `lead time for changes, median (${d.leadTime.changes} changes)`, d.leadTime.level),
    tile(d.changeFailureRate.rate === null ? "–" : `${fmt(100 * d.changeFailureRate.rate, 0)}%`, `change failure rate (${d.changeFailureRate.failed}/${d.changeFailureRate.deployments})`, d.changeFailureRate.level),
    tile(`${fmt(d.timeToRestore.medianHours)} h`, `time to restore, median (${d.timeToRestore.incidents} incidents)`, d.timeToRestore.level),
  );
}

function drawAging(aging) {
  // The API lists the oldest first, as many as asked for (`first`); `count` is all of them.
  const items = aging.items;
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
  $("status").textContent = "Loading…";
  const params = new URLSearchParams({ stream: id, window: days });
  if ($("until").value) params.set("until", $("until").value);
  history.replaceState(null, "", `/dashboard?${params}`);
  const data = await gql(DASHBOARD, { id, from: from.toISOString(), to: (($("until").value ? end : new Date())).toISOString() });
  const vs = data.node;
  if (!vs) throw new Error(`No value stream ${id}`);
  drawMap(vs);
  drawFlow(vs.flowMetrics);
  drawCfd(vs.cfd);
  drawAging(vs.agingWip);
  drawDora(vs.product);
  // The forecast's howMany runs to `by`: 30 days after its start.
  const forecast = await gql(`query($id: ID!, $start: DateTime!, $by: DateTime!) { node(id: $id) { ... on ValueStream { forecast(items: 20, by: $by, from: $start) { samples meanDaily when { items p50 p85 p95 } howMany { by days p50 p85 p95 } } } } }`, { id, start: start.toISOString(), by: to.toISOString() });
  drawForecast(forecast.node.forecast);
  $("status").textContent = `${vs.name}${vs.product ? ` (${vs.product.name})` : ""}, ${day(from.toISOString())} to ${day(end.toISOString())}`;
}

async function run(action) {
  $("error").hidden = true;
  try { await action(); } catch (err) { $("error").textContent = err.message; $("error").hidden = false; $("status").textContent = ""; }
}

run(async () => {
  const params = new URLSearchParams(location.search);
  if (params.get("window")) $("window").value = params.get("window");
  if (params.get("until")) $("until").value = params.get("until");
  const data = await gql(STREAMS);
  const streams = data.valueStreams.edges.map((e) => e.node);
  $("stream").replaceChildren(...streams.map((s) => el("option", { value: s.id }, `${s.product ? s.product.name + " · " : ""}${s.name}`)));
  if (!streams.length) { $("vsm").textContent = "No value streams yet: load some data (vsg demo)."; return; }
  if (params.get("stream")) $("stream").value = params.get("stream");
  await load();
});
for (const id of ["stream", "window", "until"]) $(id).addEventListener("change", () => run(load));
