// cardinality: rows
// One row {key, node, labels} per given id that exists as a Person.
UNWIND $ids AS key
MATCH (n:Person {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
