"""vsgraph's domain: the value-stream graph, its ingest, metrics and analyses.

Rooms: `db/` (the store, the wire format, the Cypher catalogue, the embedded database,
migrations), `read/`, `metrics/`, `analysis/`, `ingest/`, `sync/`, `demo/`; the model,
errors, settings and small helpers at the top. Nothing here imports strawberry or
starlette; only `db/` imports neo4j.
"""
