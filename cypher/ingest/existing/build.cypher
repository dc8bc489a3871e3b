// cardinality: rows
// One row {id} per given id that exists as a Build.
UNWIND $ids AS id
MATCH (n:Build {id: id})
RETURN n.id AS id
