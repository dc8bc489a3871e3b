// cardinality: rows
// Incidents whose inferred cause the given deployments or repositories may change:
// rows {incident}, distinct. For deployments: incidents without an explicit cause that
// affect one of their products (FOR_PRODUCT, or through the head's repository) and were
// created after the earliest of them finished, and incidents whose inferred cause one of
// them is. For a repository: every incident affecting its product.
// (Per product, not per deployment: a bulk import brings thousands of deployments of a
// product, and pairing each with every later incident is quadratic.)
CALL () {
  UNWIND $deployments AS deploymentId
  MATCH (d:Deployment {id: deploymentId})
  CALL (d) {
    MATCH (d)-[:FOR_PRODUCT]->(p:Product)
    RETURN p
    UNION
    MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)-[:FOR_PRODUCT]->(p:Product)
    RETURN p
  }
  WITH p, min(d.finishedAt) AS earliest
  MATCH (p)<-[:AFFECTS]-(i:Incident)
  WHERE i.createdAt > earliest
    AND NOT EXISTS {
      MATCH (i)-[c:CAUSED_BY]->(:Deployment)
      WHERE c.inferred IS NULL OR c.inferred = false
    }
  RETURN i
  UNION
  UNWIND $deployments AS deploymentId
  MATCH (:Deployment {id: deploymentId})<-[c:CAUSED_BY]-(i:Incident)
  WHERE c.inferred = true
  RETURN i
  UNION
  UNWIND $repositories AS repositoryId
  MATCH (:Repository {id: repositoryId})-[:FOR_PRODUCT]->(:Product)<-[:AFFECTS]-(i:Incident)
  RETURN i
}
RETURN DISTINCT i.id AS incident
