// cardinality: write
// Creates or updates (PullRequest)-[:CONTAINS]->(Commit) relationships; no rows.
// Written from the end node: the embedded database checks for an existing relationship
// by walking the first node's relationships, and the start node here has many.
UNWIND $rows AS row
MATCH (a:PullRequest {id: row.start})
MATCH (b:Commit {id: row.end})
MERGE (b)<-[r:CONTAINS]-(a)
SET r += row.properties
