// Deployments of the product to the environment (FOR_PRODUCT, or through the repository
// of their head commit), any time: rows {id, status, finishedAt, repository, incidents},
// one per deployment. `repository`: the (least) id of its head's repository, null if
// none; `incidents`: how many incidents it CAUSED_BY (explicit or inferred).
CALL () {
  MATCH (d:Deployment)-[:FOR_PRODUCT]->(:Product {id: $product})
  RETURN d
  UNION
  MATCH (d:Deployment)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)
        -[:FOR_PRODUCT]->(:Product {id: $product})
  RETURN d
}
WITH d
WHERE d.environment = $environment
OPTIONAL MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
WITH d, min(r.id) AS repository
RETURN d.id AS id, d.status AS status, d.finishedAt AS finishedAt, repository,
       COUNT { (d)<-[:CAUSED_BY]-(:Incident) } AS incidents
