// cardinality: write
// Creates or updates Tool nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Tool {id: row.id})
SET n += row.properties
