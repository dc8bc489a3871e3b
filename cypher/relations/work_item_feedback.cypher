// cardinality: one
// For each given WorkItem id, the feedback about it (ABOUT) or it was raised from
// (RAISED_FROM), each once, in order: one row {related}, a list of [key, node
// properties, labels, relationship properties] (one row, not one per node: the embedded
// database spends far more per row than per value).
UNWIND $ids AS key
MATCH (p:WorkItem {id: key})
MATCH (p)-[r:ABOUT|RAISED_FROM]-(n:Feedback)
WITH key, n, collect(properties(r))[0] AS rel
ORDER BY key, n.createdAt
RETURN collect([key, n {.*}, labels(n), rel]) AS related
