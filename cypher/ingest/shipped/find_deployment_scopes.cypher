// cardinality: one
// Where each given deployment sits: one row {scopes}, a list with one [deployment,
// repository, environment, at, shipped] per repository of its head commit(s). The
// environment is in lower case: a chain groups every spelling of one environment
// (Production, production). `at` orders the deployments of one repository and
// environment (finishedAt, else startedAt, in epoch microseconds); `shipped` says
// whether it has SHIPPED relationships already. A deployment with no head in a
// repository has no entry.
UNWIND $ids AS deploymentId
MATCH (d:Deployment {id: deploymentId})-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
WITH DISTINCT d, r,
     datetime({datetime: coalesce(d.finishedAt, d.startedAt), timezone: 'UTC'}) AS at
RETURN collect([
         d.id, r.id, toLower(d.environment), at.epochSeconds * 1000000 + at.nanosecond / 1000,
         EXISTS { (d)-[:SHIPPED]->(:Commit) }
       ]) AS scopes
