// cardinality: rows
// One row {key, node, labels} per given id that exists as a Repository.
UNWIND $ids AS key
MATCH (n:Repository {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
