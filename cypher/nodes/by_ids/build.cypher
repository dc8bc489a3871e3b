// cardinality: rows
// One row {key, node, labels} per given id that exists as a Build.
UNWIND $ids AS key
MATCH (n:Build {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
