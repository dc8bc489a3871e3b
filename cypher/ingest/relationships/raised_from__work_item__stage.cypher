// cardinality: write
// Creates or updates (WorkItem)-[:RAISED_FROM]->(Stage) relationships; no rows.
UNWIND $rows AS row
MATCH (a:WorkItem {id: row.start})
MATCH (b:Stage {id: row.end})
MERGE (a)-[r:RAISED_FROM]->(b)
SET r += row.properties
