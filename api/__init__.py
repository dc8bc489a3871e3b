"""vsgraph's edges: the GraphQL API (graphql/), HTTP endpoints (http/), web pages (web/) and
the `vsg` command (cli/). What they share sits here: the app (app.py), the typed objects
its routes share (runtime.py), the worker pool (compute.py) and the reports the CLI
prints and the HTTP exports serve (reports.py)."""
