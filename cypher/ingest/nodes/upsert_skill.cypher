// cardinality: write
// Creates or updates Skill nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Skill {id: row.id})
SET n += row.properties
