// cardinality: rows
// One row {id} per given id that exists as a PullRequest.
UNWIND $ids AS id
MATCH (n:PullRequest {id: id})
RETURN n.id AS id
