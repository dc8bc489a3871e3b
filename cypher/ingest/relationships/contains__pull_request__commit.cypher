// Creates or updates (PullRequest)-[:CONTAINS]->(Commit) relationships; no rows.
UNWIND $rows AS row
MATCH (a:PullRequest {id: row.start})
MATCH (b:Commit {id: row.end})
MERGE (a)-[r:CONTAINS]->(b)
SET r += row.properties
