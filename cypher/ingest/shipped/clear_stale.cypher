// cardinality: write
// Clears the stale mark of chains whose SHIPPED was just recomputed: removes each row's
// environments (lower case; a mark in any case of one is removed) from `shippedStale` of
// its repository ({repository, environments} rows, one per repository), and the
// property when none is left; no rows.
UNWIND $rows AS row
MATCH (r:Repository {id: row.repository})
WITH r, [e IN coalesce(r.shippedStale, []) WHERE NOT toLower(e) IN row.environments] AS left
SET r.shippedStale = CASE WHEN size(left) = 0 THEN null ELSE left END
