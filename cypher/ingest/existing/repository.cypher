// cardinality: rows
// One row {id} per given id that exists as a Repository.
UNWIND $ids AS id
MATCH (n:Repository {id: id})
RETURN n.id AS id
