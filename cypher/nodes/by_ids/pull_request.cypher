// cardinality: rows
// One row {key, node, labels} per given id that exists as a PullRequest.
UNWIND $ids AS key
MATCH (n:PullRequest {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
