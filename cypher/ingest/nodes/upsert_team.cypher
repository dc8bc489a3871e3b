// cardinality: write
// Creates or updates Team nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Team {id: row.id})
SET n += row.properties
