// Releases that include any of the given deployments or deliver any of the work items:
// distinct rows {node, labels}, oldest first.
CALL () {
  UNWIND $deployments AS deploymentId
  MATCH (:Deployment {id: deploymentId})<-[:INCLUDES]-(r:Release)
  RETURN r
  UNION
  UNWIND $ids AS itemId
  MATCH (:WorkItem {id: itemId})<-[:DELIVERS]-(r:Release)
  RETURN r
}
RETURN r {.*} AS node, labels(r) AS labels
ORDER BY r.releasedAt, r.id
