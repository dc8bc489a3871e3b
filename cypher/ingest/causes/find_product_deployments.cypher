// Successful, finished deployments of the given products (FOR_PRODUCT, or through the
// repository of their head commit): rows {product, deployment, environment, finishedAt},
// one per product and deployment.
UNWIND $products AS productId
MATCH (p:Product {id: productId})
CALL (p) {
  MATCH (d:Deployment)-[:FOR_PRODUCT]->(p)
  RETURN d
  UNION
  MATCH (d:Deployment)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)-[:FOR_PRODUCT]->(p)
  RETURN d
}
WITH p, d
WHERE d.status = 'success' AND d.finishedAt IS NOT NULL
RETURN p.id AS product, d.id AS deployment, d.environment AS environment,
       d.finishedAt AS finishedAt
