// cardinality: write
// Gives each commit of $ids its branchCommit (docs/graph-model.md, derived properties),
// from its pull request relationships as they are now: true when a pull request
// CONTAINS it and none was MERGED_AS it, absent otherwise. Writes only commits whose
// flag changes. One row {commits}: how many were written.
// Why: a lead time's change is a pull request, through its merge commit, or a commit
// outside every pull request; a branch commit is neither, and most shipped commits are
// (38,661 of 60,423 for a product's quarter at 1,000,000 work items). Asked per shipped
// commit as two traversals, it was half of dora/find_changes. Recomputed from the graph,
// not from the batch, so the same links give the same flags in any order; each
// comprehension starts from the commit (the embedded database expands a pattern
// comprehension from its first node).
UNWIND $ids AS id
MATCH (c:Commit {id: id})
WITH c,
     size([(c)<-[:MERGED_AS]-(p:PullRequest) | p]) = 0
       AND size([(c)<-[:CONTAINS]-(p:PullRequest) | p]) > 0 AS branch
WHERE coalesce(c.branchCommit, false) <> branch
SET c.branchCommit = CASE WHEN branch THEN true ELSE null END
RETURN count(c) AS commits
