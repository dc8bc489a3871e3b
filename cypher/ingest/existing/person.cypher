// cardinality: rows
// One row {id} per given id that exists as a Person.
UNWIND $ids AS id
MATCH (n:Person {id: id})
RETURN n.id AS id
