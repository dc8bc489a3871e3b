// The commits each given deployment SHIPPED: rows {deployment, commits}, one per
// deployment that shipped any.
UNWIND $deployments AS deploymentId
MATCH (:Deployment {id: deploymentId})-[:SHIPPED]->(c:Commit)
RETURN deploymentId AS deployment, collect(c.id) AS commits
