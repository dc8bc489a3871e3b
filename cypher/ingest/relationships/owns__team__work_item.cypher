// Creates or updates (Team)-[:OWNS]->(WorkItem) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Team {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (a)-[r:OWNS]->(b)
SET r += row.properties
