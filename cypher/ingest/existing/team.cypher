// cardinality: rows
// One row {id} per given id that exists as a Team.
UNWIND $ids AS id
MATCH (n:Team {id: id})
RETURN n.id AS id
