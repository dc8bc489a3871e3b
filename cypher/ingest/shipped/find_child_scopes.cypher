// cardinality: one
// Deployments whose SHIPPED set may now reach the given commits (newly in a repository):
// those that shipped or deployed one of their children. One row {scopes}, a list with
// one [deployment, repository, environment, at] per such deployment and repository of
// its heads (as find_deployment_scopes: environment in lower case).
UNWIND $ids AS commitId
MATCH (:Commit {id: commitId})<-[:PARENT]-(:Commit)<-[:SHIPPED|DEPLOYED]-(d:Deployment)
WITH DISTINCT d
MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
WITH DISTINCT d, r,
     datetime({datetime: coalesce(d.finishedAt, d.startedAt), timezone: 'UTC'}) AS at
RETURN collect([
         d.id, r.id, toLower(d.environment), at.epochSeconds * 1000000 + at.nanosecond / 1000
       ]) AS scopes
