// cardinality: write
// Creates or updates (Deployment)-[:DEPLOYED]->(Commit) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Deployment {id: row.start})
MATCH (b:Commit {id: row.end})
MERGE (a)-[r:DEPLOYED]->(b)
SET r += row.properties
