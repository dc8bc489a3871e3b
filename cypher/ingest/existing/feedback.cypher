// cardinality: rows
// One row {id} per given id that exists as a Feedback.
UNWIND $ids AS id
MATCH (n:Feedback {id: id})
RETURN n.id AS id
