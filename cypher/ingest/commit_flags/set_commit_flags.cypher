// cardinality: write
// Gives each commit of $ids, each commit a pull request of $pullRequests CONTAINS or was
// MERGED_AS, and each commit that IMPLEMENTS a work item of $items, its flags
// (docs/graph-model.md, derived properties), from its relationships as they are now:
// branchCommit, true when a pull request CONTAINS it and none was MERGED_AS it;
// implementsWork, true when it IMPLEMENTS a work item, itself or through a pull request
// that CONTAINS it or was MERGED_AS it; each absent otherwise.
// Writes only commits whose flags change. One row {commits}: how many were written.
// Why: a lead time's change is a pull request, through its merge commit, or a commit
// outside every pull request; a branch commit is neither, and most shipped commits are
// (38,661 of 60,423 for a product's quarter at 1,000,000 work items): asked per shipped
// commit as two traversals, it was half of dora/find_changes. And the recommendations
// ask of every shipped commit of a window whether it implements work. Recomputed from
// the graph, not from the batch, so the same links give the same flags in any order;
// each comprehension starts from the commit (the embedded database expands a pattern
// comprehension from its first node).
CALL () {
  UNWIND $ids AS id
  MATCH (c:Commit {id: id})
  RETURN c
  UNION
  UNWIND $pullRequests AS pullRequestId
  MATCH (:PullRequest {id: pullRequestId})-[:CONTAINS|MERGED_AS]->(c:Commit)
  RETURN c
  UNION
  UNWIND $items AS itemId
  MATCH (:WorkItem {id: itemId})<-[:IMPLEMENTS]-(c:Commit)
  RETURN c
}
WITH c,
     size([(c)<-[:MERGED_AS]-(p:PullRequest) | p]) = 0
       AND size([(c)<-[:CONTAINS]-(p:PullRequest) | p]) > 0 AS branch,
     size([(c)-[:IMPLEMENTS]->(w:WorkItem) | w]) > 0
       OR size([(c)<-[:CONTAINS|MERGED_AS]-(:PullRequest)-[:IMPLEMENTS]->(w:WorkItem) | w]) > 0
       AS implements
WHERE coalesce(c.branchCommit, false) <> branch OR coalesce(c.implementsWork, false) <> implements
SET c.branchCommit = CASE WHEN branch THEN true ELSE null END,
    c.implementsWork = CASE WHEN implements THEN true ELSE null END
RETURN count(c) AS commits
