// cardinality: one
// Deployments to the environment whose head commit is in one of the repositories, any
// time: one row {deployments}, a list with one [id, status, finishedAt (epoch
// microseconds or null), repository, incidents, commits] per deployment (as
// dora/find_product_deployments; $environment a regular expression).
UNWIND $repositories AS repositoryId
MATCH (:Repository {id: repositoryId})<-[:IN_REPO]-(:Commit)<-[:DEPLOYED]-(d:Deployment)
WHERE d.environment =~ $environment
WITH DISTINCT d
OPTIONAL MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
WITH d, min(r.id) AS repository, datetime({datetime: d.finishedAt, timezone: 'UTC'}) AS finished
RETURN collect([
         d.id, d.status,
         CASE WHEN d.finishedAt IS NULL THEN null
              ELSE finished.epochSeconds * 1000000 + finished.nanosecond / 1000 END,
         repository, COUNT { (d)<-[:CAUSED_BY]-(:Incident) }, d.commits
       ]) AS deployments
