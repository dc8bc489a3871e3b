// Creates or updates (Tool)-[:SUPPORTS]->(Stage) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Tool {id: row.start})
MATCH (b:Stage {id: row.end})
MERGE (a)-[r:SUPPORTS]->(b)
SET r += row.properties
