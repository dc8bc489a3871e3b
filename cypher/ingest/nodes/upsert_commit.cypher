// cardinality: write
// Creates or updates Commit nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Commit {id: row.id})
SET n += row.properties
