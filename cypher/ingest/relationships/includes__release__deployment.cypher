// Creates or updates (Release)-[:INCLUDES]->(Deployment) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Release {id: row.start})
MATCH (b:Deployment {id: row.end})
MERGE (a)-[r:INCLUDES]->(b)
SET r += row.properties
