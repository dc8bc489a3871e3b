// Where the page keeps the API token the user entered: this tab only, gone when it closes.
const TOKEN_KEY = "vsg.token";

// The token the server gave this page: without an API token, it is what shows the
// server that a request comes from its own page, not another site (SECURITY.md).
const CSRF = document.querySelector('meta[name="vsg-csrf"]')?.content ?? "";

function post(query, variables) {
  const headers = { "content-type": "application/json", "x-vsg-csrf": CSRF };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
}

// The one way the pages read data: a POST to /graphql that throws on any GraphQL error.
// Where the API requires tokens (SECURITY.md), a 401 asks for one and tries again.
export async function gql(query, variables = {}) {
  let response = await post(query, variables);
  while (response.status === 401) {
    const token = window.prompt("This vsgraph needs an API token (a viewer's is enough):");
    if (!token) throw new Error("an API token is needed to read this vsgraph");
    sessionStorage.setItem(TOKEN_KEY, token.trim());
    response = await post(query, variables);
  }
  const body = await response.json();
  if (body.errors && body.errors.length) {
    throw new Error(body.errors.map((e) => e.message).join("; "));
  }
  return body.data;
}

// Text for an element, escaped by the DOM.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
