// cardinality: rows
// One row {key, node, labels} per given id that exists as a Deployment.
UNWIND $ids AS key
MATCH (n:Deployment {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
