// cardinality: write
// Creates or updates Repository nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Repository {id: row.id})
SET n += row.properties
