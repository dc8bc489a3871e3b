// cardinality: one
// The commits shipped by successful deployments to $environment of the product of value
// stream $valueStream (FOR_PRODUCT, or whose head commit is in one of its repositories)
// that finished in [$start, $end): one row {shipped}, a list with one
// [deployment, commit, items] per shipped commit, items = ids of the work items it
// implements, itself or through a pull request that contains it or was merged as it.
// Why this shape: the deployments are found by finishedAt (the index
// deployment_finished_at) before anything else, so the cost follows the window, not the
// product's history (matching the value stream first led the embedded database to scan
// every deployment: 6.8 s against 0.55 s on 100,000 work items); one row, because the
// embedded database spends far more per row than per value.
MATCH (d:Deployment)
WHERE d.finishedAt >= $start AND d.finishedAt < $end
  AND d.environment = $environment
  AND d.status = 'success'
  AND (EXISTS { (d)-[:FOR_PRODUCT]->(:Product)-[:HAS_VALUE_STREAM]->(:ValueStream {id: $valueStream}) }
       OR EXISTS { (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)-[:FOR_PRODUCT]->(:Product)
                   -[:HAS_VALUE_STREAM]->(:ValueStream {id: $valueStream}) })
MATCH (d)-[:SHIPPED]->(c:Commit)
RETURN collect([
         d.id, c.id,
         [(c)-[:IMPLEMENTS]->(w:WorkItem) | w.id]
         + [(c)<-[:CONTAINS|MERGED_AS]-(:PullRequest)-[:IMPLEMENTS]->(w:WorkItem) | w.id]
       ]) AS shipped
