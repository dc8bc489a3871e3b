// cardinality: rows
// One row {id} per given id that exists as a BusinessLine.
UNWIND $ids AS id
MATCH (n:BusinessLine {id: id})
RETURN n.id AS id
