// Every deployment of each given {repository, environment} (its head commit in the
// repository): one row {deployments}, a list with one [repository, environment,
// deployment, status, at (epoch microseconds, as find_deployment_scopes), head ids]
// per deployment and chain, unordered.
UNWIND $chains AS chain
MATCH (r:Repository {id: chain.repository})<-[:IN_REPO]-(h:Commit)<-[:DEPLOYED]-(d:Deployment)
WHERE d.environment = chain.environment
WITH r.id AS repository, d.environment AS environment, d, collect(h.id) AS heads,
     datetime({datetime: coalesce(d.finishedAt, d.startedAt), timezone: 'UTC'}) AS at
RETURN collect([
         repository, environment, d.id, d.status,
         at.epochSeconds * 1000000 + at.nanosecond / 1000, heads
       ]) AS deployments
