// Creates or updates Deployment nodes by id; no rows.
UNWIND $rows AS row
MERGE (n:Deployment {id: row.id})
SET n += row.properties
