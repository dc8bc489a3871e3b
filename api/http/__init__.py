"""HTTP beside GraphQL: ingest, webhooks, health, `/metrics` and exports, and the
middleware every route passes (site guard, token auth, body limit)."""
