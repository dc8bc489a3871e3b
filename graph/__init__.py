"""vsgraph's domain: the value-stream graph, its ingest, metrics and analyses.

Nothing here imports strawberry or starlette; only `store` and `embedded` import neo4j.
"""
