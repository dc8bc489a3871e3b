"""Plain HTTP endpoints beside GraphQL: ingest, health (and later webhooks, exports)."""
