"""vsgraph's edges: the GraphQL API, HTTP endpoints, web pages and the `vsg` command."""
