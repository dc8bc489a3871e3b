// cardinality: write
// Creates or updates (PullRequest)-[:MERGED_AS]->(Commit) relationships; no rows.
UNWIND $rows AS row
MATCH (a:PullRequest {id: row.start})
MATCH (b:Commit {id: row.end})
MERGE (a)-[r:MERGED_AS]->(b)
SET r += row.properties
