// Deployments whose SHIPPED set may now reach the given commits (newly in a repository):
// those that shipped or deployed one of their children. One row per such deployment and
// repository of its heads: {deployment, repository, environment, at}.
UNWIND $ids AS commitId
MATCH (:Commit {id: commitId})<-[:PARENT]-(:Commit)<-[:SHIPPED|DEPLOYED]-(d:Deployment)
WITH DISTINCT d
MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
RETURN DISTINCT d.id AS deployment, r.id AS repository, d.environment AS environment,
       coalesce(d.finishedAt, d.startedAt) AS at
