// cardinality: rows
// One row {key, node, labels} per given id that exists as a WorkItem.
UNWIND $ids AS key
MATCH (n:WorkItem {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
