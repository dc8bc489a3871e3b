// cardinality: write
// Creates or updates Build nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Build {id: row.id})
SET n += row.properties
