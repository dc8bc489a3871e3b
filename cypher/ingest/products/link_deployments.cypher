// cardinality: write
// Links deployments to the product of their head commit's repository where they are for
// no product yet (a deployment delivered before its repository was given a product);
// $deployments: ids the batch wrote or linked, $repositories: ids the batch gave a
// product. No rows. Idempotent: MERGE, and only deployments without a product.
CALL () {
  UNWIND $deployments AS id
  MATCH (d:Deployment {id: id})
  RETURN d
  UNION
  UNWIND $repositories AS id
  MATCH (:Repository {id: id})<-[:IN_REPO]-(:Commit)<-[:DEPLOYED]-(d:Deployment)
  RETURN d
}
WITH DISTINCT d
WHERE NOT EXISTS { (d)-[:FOR_PRODUCT]->(:Product) }
MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)-[:FOR_PRODUCT]->(p:Product)
WITH d, min(p.id) AS productId
MATCH (p:Product {id: productId})
MERGE (d)-[:FOR_PRODUCT]->(p)
