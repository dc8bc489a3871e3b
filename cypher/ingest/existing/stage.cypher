// cardinality: rows
// One row {id} per given id that exists as a Stage.
UNWIND $ids AS id
MATCH (n:Stage {id: id})
RETURN n.id AS id
