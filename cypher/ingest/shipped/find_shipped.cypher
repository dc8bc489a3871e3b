// cardinality: one
// The commits each given deployment SHIPPED: one row {shipped}, a list with one
// [deployment, commit ids] per deployment that shipped any.
UNWIND $deployments AS deploymentId
MATCH (:Deployment {id: deploymentId})-[:SHIPPED]->(c:Commit)
WITH deploymentId, collect(c.id) AS commits
RETURN collect([deploymentId, commits]) AS shipped
