// cardinality: write
// Creates or updates Incident nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Incident {id: row.id})
SET n += row.properties
