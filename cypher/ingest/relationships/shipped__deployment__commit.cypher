// Creates or updates (Deployment)-[:SHIPPED]->(Commit) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Deployment {id: row.start})
MATCH (b:Commit {id: row.end})
MERGE (a)-[r:SHIPPED]->(b)
SET r += row.properties
