// cardinality: one
// For each given Team id, the related nodes in order: one row
// {related}, a list of [key, node properties, labels, relationship properties] (one row,
// not one per node: the embedded database spends far more per row than per value).
UNWIND $ids AS key
MATCH (p:Team {id: key})
MATCH (p)-[r:USES]->(n:Tool)
WITH key, n, r
ORDER BY key, n.id
RETURN collect([key, n {.*}, labels(n), properties(r)]) AS related
