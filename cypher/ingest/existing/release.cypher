// cardinality: rows
// One row {id} per given id that exists as a Release.
UNWIND $ids AS id
MATCH (n:Release {id: id})
RETURN n.id AS id
