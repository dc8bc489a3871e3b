// Incidents attributed (CAUSED_BY, explicit or inferred) to any of the given
// deployments: rows {id, createdAt, resolvedAt}, one per incident.
UNWIND $deployments AS deploymentId
MATCH (:Deployment {id: deploymentId})<-[:CAUSED_BY]-(i:Incident)
RETURN DISTINCT i.id AS id, i.createdAt AS createdAt, i.resolvedAt AS resolvedAt
