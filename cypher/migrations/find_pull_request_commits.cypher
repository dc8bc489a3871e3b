// cardinality: one
// The commits a pull request CONTAINS but none was MERGED_AS, that lack the branchCommit
// ingest now derives (docs/graph-model.md, derived properties): one row {ids}. Read once
// by migration 007, which derives it by ingest's own statement
// (ingest/branch_commits/set_branch_commits). Starting from the pull requests reads only
// the commits that have one.
MATCH (:PullRequest)-[:CONTAINS]->(c:Commit)
WHERE c.branchCommit IS NULL AND NOT EXISTS { (c)<-[:MERGED_AS]-(:PullRequest) }
RETURN collect(DISTINCT c.id) AS ids
