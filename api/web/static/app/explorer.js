// The graph explorer: search, draw a node with its neighbours, expand a page at a time,
// filter by relationship type, find a shortest path, trace a work item. All data comes
// from /graphql; cytoscape (vendored) draws.
import cytoscape from "/static/vendor/cytoscape/cytoscape.esm.min.mjs";
import { el, gql } from "/static/app/graphql.js";

const PAGE = 50;
const COLOURS = {
  BusinessLine: "#7b2cbf", Product: "#e85d04", ValueStream: "#f48c06", Stage: "#ffba08",
  Team: "#2a9d8f", Person: "#52b788", Skill: "#95d5b2", Tool: "#6c757d",
  WorkItem: "#1d4ed8", Repository: "#9d0208", Commit: "#d00000", PullRequest: "#dc2f02",
  Build: "#8d99ae", Deployment: "#0077b6", Release: "#00b4d8", Incident: "#b5179e",
  Feedback: "#f72585",
};

const CAPTION = `
  fragment Caption on Node {
    id key __typename
    ... on Named { name }
    ... on WorkItem { title kind }
    ... on PullRequest { title }
    ... on Incident { title }
    ... on Feedback { title }
    ... on Commit { message }
    ... on Build { status }
    ... on Deployment { environment status }
  }`;

const DETAILS = `
  query($id: ID!) {
    node(id: $id) {
      ...Caption source
      ... on Named { description }
      ... on WorkItem { flowType createdAt priority points stageHistory { stage { name } enteredAt exitedAt } }
      ... on Stage { order state }
      ... on Commit { authoredAt author }
      ... on PullRequest { createdAt mergedAt branch }
      ... on Build { startedAt finishedAt }
      ... on Deployment { startedAt finishedAt }
      ... on Release { version releasedAt }
      ... on Incident { severity createdAt resolvedAt }
      ... on Feedback { channel sentiment score createdAt }
      ... on Person { role }
      ... on Tool { toolKind: kind }
    }
  }
  ${CAPTION}`;

// A node's relationships grouped by type, direction and the other end's label, counted,
// each with its first page: what expanding a node draws, in one request (each group
// counted and its first page read on its own, so a hub's 100,000 relationships are not).
const GROUPS = `
  query($id: ID!, $first: Int!) {
    node(id: $id) { ...Caption }
    relationshipGroups(id: $id, first: $first) {
      type direction label count nodes { ...Caption } edges { id type start end } endCursor
    }
  }
  ${CAPTION}`;

// One page of each of several groups, in one request: the field and its variables once
// per group, "_N" numbered (aliases g0, g1...).
const GROUP_VARIABLES = `$t_N: String!, $d_N: Direction!, $l_N: NodeLabel!, $f_N: Int!, $a_N: String`;
const GROUP_FIELD = `g_N: neighbourhood(id: $id, relationshipTypes: [$t_N], direction: $d_N, otherLabel: $l_N, first: $f_N, after: $a_N) {
      nodes { ...Caption } edges { id type start end } hasNextPage endCursor }`;
function groupPages(n) {
  const each = (text) => Array.from({ length: n }, (_, i) => text.replaceAll("_N", String(i)));
  return `query($id: ID!, ${each(GROUP_VARIABLES).join(", ")}) { ${each(GROUP_FIELD).join("\n")} }\n${CAPTION}`;
}

const PATH = `
  query($from: ID!, $to: ID!) {
    shortestPath(from: $from, to: $to, maxDepth: 6) {
      nodes { ...Caption }
      edges { id type start end }
    }
  }
  ${CAPTION}`;

const SEARCH = `
  query($text: String!) { search(text: $text, first: 30) { ...Caption } }
  ${CAPTION}`;

// Search results are shown grouped by label, the organisation's labels first.
const LABEL_ORDER = ["BusinessLine", "Product", "ValueStream", "Team", "Stage", "Person", "Skill", "Tool",
  "WorkItem", "Repository", "PullRequest", "Commit", "Build", "Deployment", "Release", "Incident", "Feedback"];

const TRACE = `
  query($key: ID!) {
    trace(workItemId: $key) {
      businessLine { ...Caption } product { ...Caption }
      ancestors { ...Caption } item { ...Caption } descendants { ...Caption }
      pullRequests { ...Caption } commits { ...Caption } builds { ...Caption }
      deployments { deployments { ...Caption } } releases { ...Caption }
      incidents { incident { ...Caption } }
      feedback { ...Caption ... on Feedback { ledTo { ...Caption } } }
    }
  }
  ${CAPTION}`;

const $ = (id) => document.getElementById(id);
// Per group of a node ("id|type|direction|label"): the cursor of its next page, or null
// when every page is drawn; per node: its groups as last counted.
const cursors = new Map();
const groupsOf = new Map();
// The first page of each group: small groups whole, large ones this many.
const GROUP_PAGE = 20;
const groupKey = (id, g) => `${id}|${g.type}|${g.direction}|${g.label}`;
const pascal = (enumName) => enumName.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());
const hiddenTypes = new Set();

const cy = cytoscape({
  container: $("graph"),
  wheelSensitivity: 0.3,
  style: [
    { selector: "node", style: {
      "background-color": "data(colour)", label: "data(caption)", "font-size": 10,
      "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 120,
      width: 22, height: 22, color: "#1f2933",
    } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#102a43" } },
    { selector: "node.path", style: { "border-width": 4, "border-color": "#e11d48" } },
    { selector: "node.more", style: { shape: "round-rectangle" } },
    { selector: "edge", style: {
      width: 1.5, "line-color": "#9fb3c8", "target-arrow-color": "#9fb3c8",
      "target-arrow-shape": "triangle", "curve-style": "bezier",
      "font-size": 8, color: "#627d98", "text-rotation": "autorotate",
    } },
    // Relationship types are written on the edges only while few are drawn.
    { selector: "edge.labelled, edge.path", style: { label: "data(type)" } },
    { selector: "edge.path", style: { width: 4, "line-color": "#e11d48", "target-arrow-color": "#e11d48" } },
    { selector: ".hidden", style: { display: "none" } },
    { selector: ":parent", style: {
      "background-color": "#f0f4f8", "border-color": "#bcccdc", label: "data(caption)",
      "text-valign": "top", "font-size": 12, "font-weight": "bold", shape: "round-rectangle",
    } },
  ],
});

function caption(n) {
  const text = n.name || n.title || (n.message && n.message.split("\n")[0]) ||
    (n.environment ? `${n.environment} ${n.status}` : null) || n.status || "";
  return text ? `${n.key} · ${text}` : n.key;
}

function label(n) { return n.id.split(":")[0]; }

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

function setStatus(message) { $("status").textContent = message; }

function addNode(n, position) {
  if (cy.getElementById(n.id).nonempty()) return cy.getElementById(n.id);
  return cy.add({
    group: "nodes",
    data: { id: n.id, caption: caption(n), colour: COLOURS[label(n)] || "#333", label: label(n), raw: n },
    position: position || { x: 0, y: 0 },
  });
}

function addEdge(e) {
  if (cy.getElementById(`e${e.id}`).nonempty()) return;
  if (cy.getElementById(e.start).empty() || cy.getElementById(e.end).empty()) return;
  const edge = cy.add({ group: "edges", data: { id: `e${e.id}`, source: e.start, target: e.end, type: e.type } });
  if (hiddenTypes.has(e.type)) edge.addClass("hidden");
}

function relayout() {
  cy.edges().toggleClass("labelled", cy.edges().length <= 30);
  cy.fit(undefined, 40);
  refreshLegend();
}

// New neighbours go on a ring around the node they came from, pushed away from the
// drawing's middle, so what is drawn stays where it was (no global re-layout).
function ring(centre, nodes) {
  const fresh = nodes.filter((n) => cy.getElementById(n.id).empty());
  const origin = centre.position();
  const box = cy.nodes().length > 1 ? cy.nodes().boundingBox() : { x1: 0, x2: 0, y1: 0, y2: 0 };
  const away = Math.atan2(origin.y - (box.y1 + box.y2) / 2, origin.x - (box.x1 + box.x2) / 2);
  const first = cy.nodes().length <= 1;
  const radius = Math.max(first ? 160 : 120, fresh.length * 9);
  const spread = first ? 2 * Math.PI : Math.PI;
  fresh.forEach((n, i) => {
    const angle = first ? (spread * i) / fresh.length : away - spread / 2 + (spread * (i + 0.5)) / fresh.length;
    const r = radius * (first || i % 2 === 0 ? 1 : 1.35);
    addNode(n, { x: origin.x + r * Math.cos(angle), y: origin.y + r * Math.sin(angle) });
  });
}

function draw(centreId, pages) {
  const centre = cy.getElementById(centreId);
  ring(centre, pages.flatMap((p) => p.nodes));
  pages.forEach((p) => p.edges.forEach(addEdge));
  relayout();
  setStatus(`${cy.nodes().length} nodes, ${cy.edges().length} relationships`);
}

// Load the next page of each of `groups` of node `id` (`size` relationships each).
async function loadGroups(id, groups, size) {
  const todo = groups.filter((g) => cursors.get(groupKey(id, g)) !== null);
  for (let start = 0; start < todo.length; start += 20) {
    const chunk = todo.slice(start, start + 20);
    const variables = { id };
    chunk.forEach((g, i) => Object.assign(variables, {
      [`t${i}`]: g.type, [`d${i}`]: g.direction, [`l${i}`]: g.label,
      [`f${i}`]: size, [`a${i}`]: cursors.get(groupKey(id, g)) || null,
    }));
    const data = await gql(groupPages(chunk.length), variables);
    const pages = chunk.map((g, i) => {
      const page = data[`g${i}`];
      cursors.set(groupKey(id, g), page && page.hasNextPage ? page.endCursor : null);
      return page || { nodes: [], edges: [] };
    });
    draw(id, pages);
  }
  const left = (groupsOf.get(id) || []).some((g) => cursors.get(groupKey(id, g)) !== null);
  cy.getElementById(id).toggleClass("more", left);
}

// Draw a node's neighbours: every group's first page (small groups whole). The details
// pane lists the groups with their counts, and pages on within any of them.
async function expand(id) {
  setStatus(`Loading neighbours of ${id}…`);
  const data = await gql(GROUPS, { id, first: GROUP_PAGE });
  if (!data.node) throw new Error(noSuchNode(id));
  addNode(data.node);
  const groups = data.relationshipGroups || [];
  groupsOf.set(id, groups);
  // Groups drawn before keep their place in the paging; the others start with this page.
  const fresh = groups.filter((g) => !cursors.has(groupKey(id, g)));
  for (const g of fresh) cursors.set(groupKey(id, g), g.endCursor);
  draw(id, fresh);
  cy.getElementById(id).toggleClass("more", groups.some((g) => cursors.get(groupKey(id, g)) !== null));
  if (!groups.length) setStatus(`${id} has no relationships`);
  if (cy.$(":selected").id() === id) await showDetails(id);
}

async function expandGroup(id, g) {
  await loadGroups(id, [g], 50);
  await showDetails(id);
}

function noSuchNode(id) {
  const [labelName, key] = id.includes(":") ? [id.slice(0, id.indexOf(":")), id.slice(id.indexOf(":") + 1)] : ["", ""];
  if (!key) return `"${id}" is not a node id: write Label:key, e.g. Product:payments or WorkItem:PAY-123.`;
  if (!LABEL_ORDER.includes(labelName)) return `"${labelName}" is not a label (ids are Label:key; labels: ${LABEL_ORDER.join(", ")}).`;
  return `There is no ${labelName} with key "${key}".`;
}

async function open(id) {
  cy.elements().remove();
  cursors.clear();
  groupsOf.clear();
  await expand(id);
  cy.getElementById(id).select();
  await showDetails(id);
}

function refreshLegend() {
  const labels = [...new Set(cy.nodes().map((n) => n.data("label")).filter(Boolean))].sort();
  $("legend").replaceChildren(...labels.map((l) => el("span", {}, el("i", { style: `background:${COLOURS[l]}` }), l)));
  const types = [...new Set(cy.edges().map((e) => e.data("type")))].sort();
  if (!types.length) return;
  $("types").classList.remove("muted");
  $("types").replaceChildren(...types.map((t) => el("label", {},
    el("input", { type: "checkbox", ...(hiddenTypes.has(t) ? {} : { checked: "" }), onchange: (ev) => {
      if (ev.target.checked) hiddenTypes.delete(t); else hiddenTypes.add(t);
      cy.edges().forEach((e) => e.toggleClass("hidden", hiddenTypes.has(e.data("type"))));
    } }), ` ${t} (${cy.edges().filter((e) => e.data("type") === t).length})`)));
}

function row(name, value) {
  if (value === null || value === undefined || value === "") return null;
  return el("tr", {}, el("th", {}, name), el("td", {}, typeof value === "object" ? JSON.stringify(value) : value));
}

async function showDetails(id) {
  const data = await gql(DETAILS, { id });
  const n = data.node;
  if (!n) return;
  history.replaceState(null, "", `/explorer?node=${encodeURIComponent(id)}`);
  const skip = new Set(["id", "__typename", "stageHistory"]);
  const rows = Object.entries(n).filter(([k]) => !skip.has(k)).map(([k, v]) => row(k, v));
  const groups = groupsOf.get(id);
  const drawnOf = (g) => cy.getElementById(id).connectedEdges().filter((e) => e.data("type") === g.type &&
    (g.direction === "OUTGOING" ? e.data("source") === id : e.data("target") === id) &&
    (e.data("source") === id ? e.target() : e.source()).data("label") === pascal(g.label)).length;
  const groupRows = (groups || []).map((g) => {
    const left = cursors.get(groupKey(id, g)) !== null;
    return el("tr", { class: "group", "data-group": `${g.type}|${g.direction}|${g.label}` },
      el("td", {}, g.direction === "OUTGOING" ? `${g.type} →` : `← ${g.type}`),
      el("td", {}, pascal(g.label)),
      el("td", { class: "num" }, `${drawnOf(g)} / ${g.count.toLocaleString()}`),
      el("td", {}, el("button", { onclick: () => run(() => expandGroup(id, g)), ...(left ? {} : { disabled: "" }) },
        cursors.has(groupKey(id, g)) ? "more" : "show")));
  });
  const actions = el("div", { class: "actions" },
    el("button", { onclick: () => run(() => expand(id)) }, groups ? "Refresh" : "Expand"),
    el("button", { onclick: () => { $("path-from").value = id; } }, "Path from here"),
    el("button", { onclick: () => { $("path-to").value = id; } }, "Path to here"),
    label(n) === "WorkItem" ? el("button", { onclick: () => run(() => trace(n.key)) }, "Trace") : null);
  const history_ = (n.stageHistory || []).map((v) => el("tr", {}, el("td", {}, v.stage.name), el("td", {}, v.enteredAt.slice(0, 10)), el("td", {}, v.exitedAt ? v.exitedAt.slice(0, 10) : "now")));
  $("details").classList.remove("muted");
  $("details").replaceChildren(...[
    el("h2", {}, el("i", { style: `display:inline-block;width:12px;height:12px;border-radius:50%;background:${COLOURS[label(n)]}` }), " ", label(n), " ", n.key),
    el("table", {}, rows),
    actions,
    groupRows.length ? el("h2", {}, "Relationships (drawn / all)") : null,
    groupRows.length ? el("table", { id: "groups" }, groupRows) : null,
    history_.length ? el("h2", {}, "Stage history") : null,
    history_.length ? el("table", {}, history_) : null,
  ].filter(Boolean));
}

async function findPath() {
  const from = $("path-from").value.trim();
  const to = $("path-to").value.trim();
  if (!from || !to) throw new Error("Choose both ends of the path (Label:key).");
  const ends = await gql(`query($from: ID!, $to: ID!) { a: node(id: $from) { id } b: node(id: $to) { id } }`, { from, to });
  if (!ends.a) throw new Error(noSuchNode(from));
  if (!ends.b) throw new Error(noSuchNode(to));
  const data = await gql(PATH, { from, to });
  cy.elements().removeClass("path");
  const path = data.shortestPath;
  if (!path) { setStatus(`No path of at most 6 relationships from ${from} to ${to}`); return; }
  // Path nodes not drawn yet go in a row under the drawing, in path order.
  const box = cy.nodes().length ? cy.nodes().boundingBox() : { x1: 0, y2: 0 };
  path.nodes.filter((n) => cy.getElementById(n.id).empty())
    .forEach((n, i) => addNode(n, { x: box.x1 + i * 180, y: box.y2 + 140 }));
  path.nodes.forEach((n) => addNode(n).addClass("path"));
  path.edges.forEach(addEdge);
  path.edges.forEach((e) => cy.getElementById(`e${e.id}`).addClass("path"));
  relayout();
  setStatus(`Path of ${path.edges.length} relationships: ${path.nodes.map((n) => n.key).join(" → ")}`);
  history.replaceState(null, "", `/explorer?${new URLSearchParams({ from, to })}`);
}

async function trace(key) {
  const data = await gql(TRACE, { key });
  const t = data.trace;
  if (!t) throw new Error(`There is no work item with key "${key}" to trace.`);
  const columns = [
    ["Business line", t.businessLine ? [t.businessLine] : []],
    ["Product", t.product ? [t.product] : []],
    ["Ancestors", t.ancestors], ["Work item", [t.item]], ["Descendants", t.descendants],
    ["Pull requests", t.pullRequests], ["Commits", t.commits], ["Builds", t.builds],
    ["Deployments", t.deployments.flatMap((d) => d.deployments)], ["Releases", t.releases],
    ["Incidents", t.incidents.map((i) => i.incident).filter(Boolean)],
    ["Feedback", t.feedback], ["Follow-ups", t.feedback.flatMap((f) => f.ledTo || [])],
  ].filter(([, nodes]) => nodes.length);
  cy.elements().remove();
  cursors.clear();
  groupsOf.clear();
  const seen = new Set();
  columns.forEach(([title, nodes], c) => {
    const parent = `column-${c}`;
    cy.add({ group: "nodes", data: { id: parent, caption: title } });
    nodes.filter((n) => !seen.has(n.id)).forEach((n, r) => {
      seen.add(n.id);
      const node = addNode(n, { x: c * 150, y: r * 50 });
      node.data("caption", n.key.length > 22 ? `${n.key.slice(0, 20)}…` : n.key);
      node.move({ parent });
    });
  });
  cy.layout({ name: "preset", fit: true, padding: 30 }).run();
  if (cy.zoom() > 1.5) { cy.zoom(1.5); cy.center(); }
  await showDetails(t.item.id);
  refreshLegend();
  setStatus(`Trace of ${key}: ${seen.size} nodes, left to right from business line to incidents, feedback and its follow-ups`);
  history.replaceState(null, "", `/explorer?trace=${encodeURIComponent(key)}`);
}

async function run(action) {
  showError("");
  try { await action(); } catch (err) { showError(err.message); setStatus(""); }
}

let searchTimer = null;
$("search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  const text = $("search").value.trim();
  if (!text) { $("results").hidden = true; return; }
  searchTimer = setTimeout(() => run(async () => {
    const data = await gql(SEARCH, { text });
    // On a large graph a search can take most of a second: an answer to text since
    // typed over must not replace the results of what the box holds now.
    if ($("search").value.trim() !== text) return;
    const byLabel = new Map(LABEL_ORDER.map((l) => [l, []]));
    for (const n of data.search) (byLabel.get(label(n)) || byLabel.set(label(n), []).get(label(n))).push(n);
    const sections = [...byLabel].filter(([, ns]) => ns.length).flatMap(([l, ns]) => [
      el("div", { class: "group-head" }, `${l} (${ns.length})`),
      ...ns.map((n) => el("div", { class: "hit", "data-id": n.id, onclick: () => { $("results").hidden = true; run(() => open(n.id)); } },
        el("i", { style: `display:inline-block;width:10px;height:10px;border-radius:50%;background:${COLOURS[label(n)]}` }), ` ${caption(n)}`)),
    ]);
    $("results").replaceChildren(...(sections.length ? sections : [el("div", { class: "muted" }, "No match")]));
    $("results").hidden = false;
  }), 250);
});
$("find-path").addEventListener("click", () => run(findPath));
$("fit").addEventListener("click", () => cy.fit(undefined, 40));
$("clear").addEventListener("click", () => { cy.elements().remove(); cursors.clear(); groupsOf.clear(); refreshLegend(); history.replaceState(null, "", "/explorer"); });
cy.on("tap", "node", (ev) => { if (!ev.target.isParent()) run(() => showDetails(ev.target.id())); });
cy.on("dbltap", "node", (ev) => { if (!ev.target.isParent()) run(() => expand(ev.target.id())); });

const params = new URLSearchParams(location.search);
if (params.get("node")) run(() => open(params.get("node")));
else if (params.get("trace")) run(() => trace(params.get("trace")));
else if (params.get("from") && params.get("to")) {
  $("path-from").value = params.get("from");
  $("path-to").value = params.get("to");
  run(findPath);
}
window.explorer = { cy, expand, expandGroup, open, findPath, trace }; // for the browser tests
