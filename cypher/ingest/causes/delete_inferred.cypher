// cardinality: write
// Deletes the given inferred (Incident)-[:CAUSED_BY {inferred: true}]->(Deployment)
// relationships ({incident, deployment} rows); explicit ones are left alone; no rows.
// Matched from the incident's side and collected before deleting, as
// ingest/shipped/delete_shipped: a deployment may lose many inferred causes at once.
UNWIND $rows AS row
MATCH (:Incident {id: row.incident})-[c:CAUSED_BY]->(d:Deployment)
WHERE d.id = row.deployment AND c.inferred = true
WITH collect(c) AS gone
UNWIND gone AS c
DELETE c
