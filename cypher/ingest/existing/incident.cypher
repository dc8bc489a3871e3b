// cardinality: rows
// One row {id} per given id that exists as a Incident.
UNWIND $ids AS id
MATCH (n:Incident {id: id})
RETURN n.id AS id
