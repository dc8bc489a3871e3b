// cardinality: write
// Marks the given (Incident)-[:CAUSED_BY]->(Deployment) relationships ({incident,
// deployment} rows), which records named, as explicit: inferred = false; no rows.
UNWIND $rows AS row
MATCH (:Incident {id: row.incident})-[c:CAUSED_BY]->(:Deployment {id: row.deployment})
SET c.inferred = false
