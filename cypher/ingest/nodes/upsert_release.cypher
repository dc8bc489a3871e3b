// cardinality: write
// Creates or updates Release nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Release {id: row.id})
SET n += row.properties
