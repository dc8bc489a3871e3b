// cardinality: one
// The commits with a pull request (CONTAINS or MERGED_AS) or a work item (IMPLEMENTS,
// their own or their pull request's), each once: one row {ids}. Read once by migration
// 007, which derives their flags (docs/graph-model.md, derived properties) by ingest's
// own statement (ingest/commit_flags/set_commit_flags). Starting from the pull requests
// and the work items reads only the commits that have one.
CALL () {
  MATCH (:PullRequest)-[:CONTAINS|MERGED_AS]->(c:Commit)
  RETURN c
  UNION
  MATCH (:WorkItem)<-[:IMPLEMENTS]-(c:Commit)
  RETURN c
}
RETURN collect(c.id) AS ids
