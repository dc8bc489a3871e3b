// cardinality: rows
// One row {key, node, labels} per given id that exists as a Incident.
UNWIND $ids AS key
MATCH (n:Incident {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
