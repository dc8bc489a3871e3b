// cardinality: write
// Creates or updates Product nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Product {id: row.id})
SET n += row.properties
