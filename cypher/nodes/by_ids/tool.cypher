// cardinality: rows
// One row {key, node, labels} per given id that exists as a Tool.
UNWIND $ids AS key
MATCH (n:Tool {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
