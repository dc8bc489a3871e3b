// cardinality: write
// Creates the given (Deployment)-[:SHIPPED]->(Commit) relationships ({deployment,
// commit} rows) unless they exist; no rows. Merged from the commit's side: the embedded
// database looks for an existing relationship among the first node's, and a deployment
// may have shipped thousands of commits where a commit has a few deployments.
UNWIND $rows AS row
MATCH (d:Deployment {id: row.deployment})
MATCH (c:Commit {id: row.commit})
MERGE (c)<-[:SHIPPED]-(d)
