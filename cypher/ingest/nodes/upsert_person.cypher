// cardinality: write
// Creates or updates Person nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Person {id: row.id})
SET n += row.properties
