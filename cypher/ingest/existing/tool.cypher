// cardinality: rows
// One row {id} per given id that exists as a Tool.
UNWIND $ids AS id
MATCH (n:Tool {id: id})
RETURN n.id AS id
