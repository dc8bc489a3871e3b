// Creates or updates (WorkItem)-[:PARENT_OF]->(WorkItem) relationships; no rows.
UNWIND $rows AS row
MATCH (a:WorkItem {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (a)-[r:PARENT_OF]->(b)
SET r += row.properties
