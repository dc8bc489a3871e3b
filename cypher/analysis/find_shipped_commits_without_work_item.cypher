// cardinality: one
// The commits shipped by successful deployments to $environment of the product of value
// stream $valueStream (FOR_PRODUCT, or whose head commit is in one of its repositories)
// that finished in [$start, $end) and implement no work item, neither themselves nor
// through a pull request that contains them or was merged as them: one row {commits}, a
// list of their ids (any order; each once).
// Why this shape: the deployments are found by finishedAt (the index
// deployment_finished_at) before anything else, so the cost follows the window, not the
// product's history (matching the value stream first led the embedded database to scan
// every deployment: 6.8 s against 0.55 s on 100,000 work items). Only the gaps are
// returned: listing every shipped commit with the items it implements for the caller to
// sort out cost 4 s on 1,000,000 work items (60,000 commits shipped in 90 days). Whether
// a commit implements work is its derived implementsWork (graph/ingest/commit_flags.py):
// asking each shipped commit, and the pull requests of those with no link of their own,
// was most of this statement. One row, because the embedded database spends far more per
// row than per value.
MATCH (d:Deployment)
WHERE d.finishedAt >= $start AND d.finishedAt < $end
  AND d.environment = $environment
  AND d.status = 'success'
  AND (EXISTS { (d)-[:FOR_PRODUCT]->(:Product)-[:HAS_VALUE_STREAM]->(:ValueStream {id: $valueStream}) }
       OR EXISTS { (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)-[:FOR_PRODUCT]->(:Product)
                   -[:HAS_VALUE_STREAM]->(:ValueStream {id: $valueStream}) })
MATCH (d)-[:SHIPPED]->(c:Commit)
WHERE c.implementsWork IS NULL
WITH DISTINCT c
RETURN collect(c.id) AS commits
