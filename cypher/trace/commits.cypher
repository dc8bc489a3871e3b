// Commits implementing any of the work items, plus the commits and merge commits of the
// given pull requests: distinct rows {node, labels}, oldest first.
CALL () {
  UNWIND $ids AS itemId
  MATCH (:WorkItem {id: itemId})<-[:IMPLEMENTS]-(c:Commit)
  RETURN c
  UNION
  UNWIND $pullRequests AS prId
  MATCH (:PullRequest {id: prId})-[:CONTAINS|MERGED_AS]->(c:Commit)
  RETURN c
}
RETURN c {.*} AS node, labels(c) AS labels
ORDER BY c.authoredAt, c.id
