"""HTTP beside GraphQL: ingest, webhooks, health, `/metrics` and exports; the middleware
every route passes (site guard, token auth, body limit); and one table of what each
exception a route lets out is answered with (errors.py)."""
