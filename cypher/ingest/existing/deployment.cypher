// cardinality: rows
// One row {id} per given id that exists as a Deployment.
UNWIND $ids AS id
MATCH (n:Deployment {id: id})
RETURN n.id AS id
