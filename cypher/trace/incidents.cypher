// Incidents caused by any of the given deployments: rows {node, labels, deployment,
// inferred}, one per incident and deployment, oldest first.
UNWIND $deployments AS deploymentId
MATCH (:Deployment {id: deploymentId})<-[c:CAUSED_BY]-(i:Incident)
RETURN i {.*} AS node, labels(i) AS labels, deploymentId AS deployment,
       coalesce(c.inferred, false) AS inferred
ORDER BY i.createdAt, i.id
