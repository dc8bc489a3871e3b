// cardinality: write
// Creates or updates (Feedback)-[:ABOUT]->(WorkItem) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Feedback {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (a)-[r:ABOUT]->(b)
SET r += row.properties
