// cardinality: one
// The commits of the repository not yet SHIPPED to the environment ($environment in
// lower case: every spelling of it) by a successful deployment of that repository
// outside $recompute, with their parents: one row {commits}, a list with one [id, parent
// ids] per commit. Walks from the heads being recomputed stop at any commit missing
// here, so they never go below what earlier deployments already shipped.
MATCH (r:Repository {id: $repository})<-[:IN_REPO]-(c:Commit)
WHERE NOT EXISTS {
  MATCH (c)<-[:SHIPPED]-(d:Deployment)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r)
  WHERE toLower(d.environment) = $environment AND d.status = 'success' AND NOT d.id IN $recompute
}
OPTIONAL MATCH (c)-[:PARENT]->(p:Commit)
WITH c, collect(p.id) AS parents
RETURN collect([c.id, parents]) AS commits
