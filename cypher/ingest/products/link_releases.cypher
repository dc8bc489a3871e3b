// cardinality: write
// Links releases to the product of their repository where they are for no product yet
// (a release delivered before its repository was given a product); $releases: ids the
// batch wrote or linked, $repositories: ids the batch gave a product. No rows.
CALL () {
  UNWIND $releases AS id
  MATCH (r:Release {id: id})
  RETURN r
  UNION
  UNWIND $repositories AS id
  MATCH (:Repository {id: id})<-[:IN_REPO]-(r:Release)
  RETURN r
}
WITH DISTINCT r
WHERE NOT EXISTS { (r)-[:FOR_PRODUCT]->(:Product) }
MATCH (r)-[:IN_REPO]->(:Repository)-[:FOR_PRODUCT]->(p:Product)
WITH r, min(p.id) AS productId
MATCH (p:Product {id: productId})
MERGE (r)-[:FOR_PRODUCT]->(p)
