// Every deployment of each given {repository, environment} (its head commit in the
// repository): rows {repository, environment, deployment, status, at, heads}, unordered.
UNWIND $chains AS chain
MATCH (r:Repository {id: chain.repository})<-[:IN_REPO]-(h:Commit)<-[:DEPLOYED]-(d:Deployment)
WHERE d.environment = chain.environment
WITH r.id AS repository, d.environment AS environment, d, collect(h.id) AS heads
RETURN repository, environment, d.id AS deployment, d.status AS status,
       coalesce(d.finishedAt, d.startedAt) AS at, heads
