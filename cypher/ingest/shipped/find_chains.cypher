// cardinality: one
// Every deployment of each given {repository, environment} (its head commit in the
// repository; the environment in lower case, matching every spelling of it): one row
// {deployments}, a list with one [repository, environment (lower case), deployment,
// status, at (epoch microseconds, as find_deployment_scopes), head ids, other
// repository ids] per deployment and chain, unordered. The other repositories are those
// of its heads outside this one: the deployment belongs to their chains too.
UNWIND $chains AS chain
MATCH (r:Repository {id: chain.repository})<-[:IN_REPO]-(h:Commit)<-[:DEPLOYED]-(d:Deployment)
WHERE toLower(d.environment) = chain.environment
WITH r, d, collect(h.id) AS heads,
     datetime({datetime: coalesce(d.finishedAt, d.startedAt), timezone: 'UTC'}) AS at
WITH r, d, heads, at,
     [(d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(o:Repository) WHERE o <> r | o.id] AS others
RETURN collect([
         r.id, toLower(d.environment), d.id, d.status,
         at.epochSeconds * 1000000 + at.nanosecond / 1000, heads, others
       ]) AS deployments
