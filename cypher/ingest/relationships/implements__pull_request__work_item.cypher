// cardinality: write
// Creates or updates (PullRequest)-[:IMPLEMENTS]->(WorkItem) relationships; no rows.
UNWIND $rows AS row
MATCH (a:PullRequest {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (a)-[r:IMPLEMENTS]->(b)
SET r += row.properties
