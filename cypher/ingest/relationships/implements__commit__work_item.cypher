// cardinality: write
// Creates or updates (Commit)-[:IMPLEMENTS]->(WorkItem) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Commit {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (a)-[r:IMPLEMENTS]->(b)
SET r += row.properties
