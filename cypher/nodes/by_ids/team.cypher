// cardinality: rows
// One row {key, node, labels} per given id that exists as a Team.
UNWIND $ids AS key
MATCH (n:Team {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
