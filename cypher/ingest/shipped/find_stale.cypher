// cardinality: one
// The chains marked stale (see mark_stale): one row {chains}, a list with one
// [repository, environment (lower case, as chains are keyed)] per chain. Repositories
// are few: a scan of them is cheap.
MATCH (r:Repository)
WHERE r.shippedStale IS NOT NULL
UNWIND r.shippedStale AS environment
RETURN collect([r.id, toLower(environment)]) AS chains
