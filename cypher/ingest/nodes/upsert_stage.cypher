// cardinality: write
// Creates or updates Stage nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Stage {id: row.id})
SET n += row.properties
