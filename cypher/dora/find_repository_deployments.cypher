// Deployments to the environment whose head commit is in one of the repositories, any
// time: rows {id, status, finishedAt, repository, incidents}, one per deployment (as
// dora/find_product_deployments).
UNWIND $repositories AS repositoryId
MATCH (:Repository {id: repositoryId})<-[:IN_REPO]-(:Commit)<-[:DEPLOYED]-(d:Deployment)
WHERE d.environment = $environment
WITH DISTINCT d
OPTIONAL MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
WITH d, min(r.id) AS repository
RETURN d.id AS id, d.status AS status, d.finishedAt AS finishedAt, repository,
       COUNT { (d)<-[:CAUSED_BY]-(:Incident) } AS incidents
