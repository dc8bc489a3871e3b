// Where each given deployment sits: one row per repository of its head commit(s),
// {deployment, repository, environment, at, shipped}. `at` orders the deployments of one
// repository and environment (finishedAt, else startedAt); `shipped` says whether it
// has SHIPPED relationships already. A deployment with no head in a repository: no row.
UNWIND $ids AS deploymentId
MATCH (d:Deployment {id: deploymentId})-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
RETURN DISTINCT d.id AS deployment, r.id AS repository, d.environment AS environment,
       coalesce(d.finishedAt, d.startedAt) AS at,
       EXISTS { (d)-[:SHIPPED]->(:Commit) } AS shipped
