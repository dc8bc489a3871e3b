// cardinality: rows
// One row {id} per given id that exists as a Commit.
UNWIND $ids AS id
MATCH (n:Commit {id: id})
RETURN n.id AS id
