// cardinality: write
// Creates or updates (Release)-[:INCLUDES]->(Deployment) relationships; no rows.
// Written from the end node: the embedded database checks for an existing relationship
// by walking the first node's relationships, and the start node here has many.
UNWIND $rows AS row
MATCH (a:Release {id: row.start})
MATCH (b:Deployment {id: row.end})
MERGE (b)<-[r:INCLUDES]-(a)
SET r += row.properties
