// Pull requests implementing any of the work items, or containing a commit that does:
// distinct rows {node, labels}, oldest first.
CALL () {
  UNWIND $ids AS itemId
  MATCH (:WorkItem {id: itemId})<-[:IMPLEMENTS]-(pr:PullRequest)
  RETURN pr
  UNION
  UNWIND $ids AS itemId
  MATCH (:WorkItem {id: itemId})<-[:IMPLEMENTS]-(:Commit)<-[:CONTAINS]-(pr:PullRequest)
  RETURN pr
}
RETURN pr {.*} AS node, labels(pr) AS labels
ORDER BY pr.createdAt, pr.id
