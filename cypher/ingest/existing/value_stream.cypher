// cardinality: rows
// One row {id} per given id that exists as a ValueStream.
UNWIND $ids AS id
MATCH (n:ValueStream {id: id})
RETURN n.id AS id
