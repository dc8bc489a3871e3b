// cardinality: rows
// One row {key, node, labels} per given id that exists as a Feedback.
UNWIND $ids AS key
MATCH (n:Feedback {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
