// cardinality: write
// Creates the given inferred (Incident)-[:CAUSED_BY {inferred: true}]->(Deployment)
// relationships ({incident, deployment} rows); no rows.
UNWIND $rows AS row
MATCH (i:Incident {id: row.incident})
MATCH (d:Deployment {id: row.deployment})
MERGE (i)-[c:CAUSED_BY]->(d)
SET c.inferred = true
