// cardinality: write
// Creates or updates (Release)-[:DELIVERS]->(WorkItem) relationships; no rows.
// Written from the end node: the embedded database checks for an existing relationship
// by walking the first node's relationships, and the start node here has many.
UNWIND $rows AS row
MATCH (a:Release {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (b)<-[r:DELIVERS]-(a)
SET r += row.properties
