// cardinality: write
// Creates or updates (WorkItem)-[:BLOCKED_BY]->(WorkItem) relationships; no rows.
UNWIND $rows AS row
MATCH (a:WorkItem {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (a)-[r:BLOCKED_BY]->(b)
SET r += row.properties
