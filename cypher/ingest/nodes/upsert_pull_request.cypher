// cardinality: write
// Creates or updates PullRequest nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:PullRequest {id: row.id})
SET n += row.properties
