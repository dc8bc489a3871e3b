// cardinality: rows
// One row {key, node, labels} per given id that exists as a Stage.
UNWIND $ids AS key
MATCH (n:Stage {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
