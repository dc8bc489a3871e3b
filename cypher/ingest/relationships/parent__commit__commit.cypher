// cardinality: write
// Creates or updates (Commit)-[:PARENT]->(Commit) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Commit {id: row.start})
MATCH (b:Commit {id: row.end})
MERGE (a)-[r:PARENT]->(b)
SET r += row.properties
