// cardinality: rows
// One row {key, node, labels} per given id that exists as a BusinessLine.
UNWIND $ids AS key
MATCH (n:BusinessLine {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
