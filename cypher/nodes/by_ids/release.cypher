// cardinality: rows
// One row {key, node, labels} per given id that exists as a Release.
UNWIND $ids AS key
MATCH (n:Release {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
