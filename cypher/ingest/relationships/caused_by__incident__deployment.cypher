// cardinality: write
// Creates or updates (Incident)-[:CAUSED_BY]->(Deployment) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Incident {id: row.start})
MATCH (b:Deployment {id: row.end})
MERGE (a)-[r:CAUSED_BY]->(b)
SET r += row.properties
