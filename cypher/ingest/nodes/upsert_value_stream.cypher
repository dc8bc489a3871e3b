// cardinality: write
// Creates or updates ValueStream nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:ValueStream {id: row.id})
SET n += row.properties
