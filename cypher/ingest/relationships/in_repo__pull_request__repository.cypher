// cardinality: write
// Creates or updates (PullRequest)-[:IN_REPO]->(Repository) relationships; no rows.
UNWIND $rows AS row
MATCH (a:PullRequest {id: row.start})
MATCH (b:Repository {id: row.end})
MERGE (a)-[r:IN_REPO]->(b)
SET r += row.properties
