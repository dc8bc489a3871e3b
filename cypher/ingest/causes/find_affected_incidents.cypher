// Incidents whose inferred cause the given deployments or repositories may change:
// rows {incident}, distinct. For a deployment: incidents without an explicit cause that
// affect one of its products (FOR_PRODUCT, or through its head's repository) and were
// created after it finished, or whose inferred cause it is. For a repository: every
// incident affecting its product.
CALL () {
  UNWIND $deployments AS deploymentId
  MATCH (d:Deployment {id: deploymentId})-[:FOR_PRODUCT]->(:Product)<-[:AFFECTS]-(i:Incident)
  WHERE (i.createdAt > d.finishedAt
         AND NOT EXISTS {
           MATCH (i)-[c:CAUSED_BY]->(:Deployment)
           WHERE c.inferred IS NULL OR c.inferred = false
         })
     OR EXISTS { MATCH (i)-[c:CAUSED_BY]->(d) WHERE c.inferred = true }
  RETURN i
  UNION
  UNWIND $deployments AS deploymentId
  MATCH (d:Deployment {id: deploymentId})-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)
        -[:FOR_PRODUCT]->(:Product)<-[:AFFECTS]-(i:Incident)
  WHERE (i.createdAt > d.finishedAt
         AND NOT EXISTS {
           MATCH (i)-[c:CAUSED_BY]->(:Deployment)
           WHERE c.inferred IS NULL OR c.inferred = false
         })
     OR EXISTS { MATCH (i)-[c:CAUSED_BY]->(d) WHERE c.inferred = true }
  RETURN i
  UNION
  UNWIND $repositories AS repositoryId
  MATCH (:Repository {id: repositoryId})-[:FOR_PRODUCT]->(:Product)<-[:AFFECTS]-(i:Incident)
  RETURN i
}
RETURN DISTINCT i.id AS incident
