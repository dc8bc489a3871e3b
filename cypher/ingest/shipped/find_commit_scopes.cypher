// cardinality: one
// Deployments whose SHIPPED set a new parent link of the given commits may alter: those
// that shipped or deployed one of them. One row {scopes}, a list with one [deployment,
// repository, environment, at] per such deployment and repository of its heads (as
// find_deployment_scopes: environment in lower case).
UNWIND $ids AS commitId
MATCH (:Commit {id: commitId})<-[:SHIPPED|DEPLOYED]-(d:Deployment)
WITH DISTINCT d
MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
WITH DISTINCT d, r,
     datetime({datetime: coalesce(d.finishedAt, d.startedAt), timezone: 'UTC'}) AS at
RETURN collect([
         d.id, r.id, toLower(d.environment), at.epochSeconds * 1000000 + at.nanosecond / 1000
       ]) AS scopes
