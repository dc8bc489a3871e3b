// cardinality: write
// Creates or updates (Commit)-[:IN_REPO]->(Repository) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Commit {id: row.start})
MATCH (b:Repository {id: row.end})
MERGE (a)-[r:IN_REPO]->(b)
SET r += row.properties
