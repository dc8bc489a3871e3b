// Deletes the given inferred (Incident)-[:CAUSED_BY {inferred: true}]->(Deployment)
// relationships ({incident, deployment} rows); explicit ones are left alone; no rows.
UNWIND $rows AS row
MATCH (:Incident {id: row.incident})-[c:CAUSED_BY]->(:Deployment {id: row.deployment})
WHERE c.inferred = true
DELETE c
