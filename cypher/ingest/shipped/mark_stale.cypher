// cardinality: write
// Marks chains stale before their SHIPPED is recomputed: adds each row's environments
// to `shippedStale` of its repository ({repository, environments} rows, one per
// repository); no rows. A chain whose derivation does not finish stays marked, and the
// next derivation recomputes it whole (graph/ingest/shipped.py).
UNWIND $rows AS row
MATCH (r:Repository {id: row.repository})
SET r.shippedStale = coalesce(r.shippedStale, [])
                     + [e IN row.environments WHERE NOT e IN coalesce(r.shippedStale, [])]
