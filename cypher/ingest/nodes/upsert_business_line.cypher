// cardinality: write
// Creates or updates BusinessLine nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:BusinessLine {id: row.id})
SET n += row.properties
