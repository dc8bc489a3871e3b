// The home page: the organisation's value streams, by business line and product, each
// with links to its dashboard, analyses and explorer view.
import { el, gql } from "./graphql.js";

// Products come a page at a time; the home page lists this many and says if there are more.
const PRODUCTS = 500;
const QUERY = `query($first: Int!) {
  products(first: $first) {
    totalCount
    edges { node { id name businessLine { id name } valueStreams { id name stages { id } } } }
  }
}`;

const $ = (id) => document.getElementById(id);
const link = (href, text) => el("a", { href }, text);

function streamRow(vs) {
  const q = encodeURIComponent(vs.id);
  return el("div", { class: "vs", "data-stream": vs.id },
    el("span", { class: "name" }, vs.name, el("span", { class: "muted" }, ` · ${vs.stages.length} stages`)),
    link(`/dashboard?stream=${q}`, "dashboard"),
    link(`/analysis?stream=${q}`, "analyses"),
    link(`/explorer?node=${q}`, "explorer"));
}

async function load() {
  const data = await gql(QUERY, { first: PRODUCTS });
  const products = data.products.edges.map((e) => e.node);
  const lines = new Map();
  for (const p of products) {
    const key = p.businessLine ? p.businessLine.id : "";
    if (!lines.has(key)) lines.set(key, { line: p.businessLine, products: [] });
    lines.get(key).products.push(p);
  }
  const sections = [...lines.values()]
    .sort((a, b) => (a.line ? a.line.name : "~").localeCompare(b.line ? b.line.name : "~"))
    .map(({ line, products: ps }) => [
      el("div", { class: "bl" }, line ? link(`/explorer?node=${encodeURIComponent(line.id)}`, line.name) : "No business line"),
      ...ps.map((p) => el("div", { class: "product" },
        el("b", {}, link(`/explorer?node=${encodeURIComponent(p.id)}`, p.name)),
        p.valueStreams.length ? p.valueStreams.map(streamRow) : el("div", { class: "vs muted" }, "no value stream yet"))),
    ]);
  const streams = products.reduce((n, p) => n + p.valueStreams.length, 0);
  if (!products.length) {
    $("streams").replaceChildren("No products yet: load some data (vsg demo, or vsg import FILE).");
  } else {
    $("streams").classList.remove("muted");
    $("streams").replaceChildren(...sections.flat());
  }
  const more = data.products.totalCount > products.length ? ` (the first ${products.length} of ${data.products.totalCount} products)` : "";
  $("status").textContent = `${streams} value streams in ${products.length} products${more}`;
}

load().catch((error) => {
  $("error").hidden = false;
  $("error").textContent = `Could not load the value streams: ${error.message}`;
  $("streams").textContent = "";
});
