// cardinality: one
// For each given Feedback id, the work items it led to (LED_TO) or that were raised from
// it (RAISED_FROM), each once, in order: one row {related}, a list of [key, node
// properties, labels, relationship properties] (one row, not one per node: the embedded
// database spends far more per row than per value).
UNWIND $ids AS key
MATCH (p:Feedback {id: key})
MATCH (p)-[r:LED_TO|RAISED_FROM]-(n:WorkItem)
WITH key, n, collect(properties(r))[0] AS rel
ORDER BY key, n.id
RETURN collect([key, n {.*}, labels(n), rel]) AS related
