// cardinality: rows
// One row {key, node, labels} per given id that exists as a ValueStream.
UNWIND $ids AS key
MATCH (n:ValueStream {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
