// Deployments whose SHIPPED set a new parent link of the given commits may alter: those
// that shipped or deployed one of them. One row per such deployment and repository of
// its heads: {deployment, repository, environment, at} (as find_deployment_scopes).
UNWIND $ids AS commitId
MATCH (:Commit {id: commitId})<-[:SHIPPED|DEPLOYED]-(d:Deployment)
WITH DISTINCT d
MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
RETURN DISTINCT d.id AS deployment, r.id AS repository, d.environment AS environment,
       coalesce(d.finishedAt, d.startedAt) AS at
