// cardinality: write
// Creates or updates Feedback nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Feedback {id: row.id})
SET n += row.properties
