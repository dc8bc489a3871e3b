// Deletes the given (Deployment)-[:SHIPPED]->(Commit) relationships ({deployment,
// commit} rows); no rows.
UNWIND $rows AS row
MATCH (:Deployment {id: row.deployment})-[s:SHIPPED]->(:Commit {id: row.commit})
DELETE s
