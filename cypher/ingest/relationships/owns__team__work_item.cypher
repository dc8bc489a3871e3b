// cardinality: write
// Creates or updates (Team)-[:OWNS]->(WorkItem) relationships; no rows.
// Written from the end node: the embedded database checks for an existing relationship
// by walking the first node's relationships, and the start node here has many.
UNWIND $rows AS row
MATCH (a:Team {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (b)<-[r:OWNS]-(a)
SET r += row.properties
