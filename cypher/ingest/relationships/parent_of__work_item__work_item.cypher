// cardinality: write
// Creates or updates (WorkItem)-[:PARENT_OF]->(WorkItem) relationships; no rows.
// Written from the end node: the embedded database checks for an existing relationship
// by walking the first node's relationships, and the start node here has many.
UNWIND $rows AS row
MATCH (a:WorkItem {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (b)<-[r:PARENT_OF]-(a)
SET r += row.properties
