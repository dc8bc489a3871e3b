// cardinality: one
// For each given Incident id, the related nodes in order: one row
// {related}, a list of [key, node properties, labels, relationship properties] (one row,
// not one per node: the embedded database spends far more per row than per value).
UNWIND $ids AS key
MATCH (p:Incident {id: key})
MATCH (p)-[r:CAUSED_BY]->(n:Deployment)
WITH key, n, r
ORDER BY key, n.startedAt
RETURN collect([key, n {.*}, labels(n), properties(r)]) AS related
