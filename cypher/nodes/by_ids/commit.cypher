// cardinality: rows
// One row {key, node, labels} per given id that exists as a Commit.
UNWIND $ids AS key
MATCH (n:Commit {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
