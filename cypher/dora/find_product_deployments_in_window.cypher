// cardinality: one
// Deployments of the product to the environment (FOR_PRODUCT, or through the repository
// of their head commit; $environment a regular expression, as
// dora/find_product_deployments) that finished in [$start, $end): one row {deployments},
// a list with one [id, status, finishedAt, repository, incidents, commits] per
// deployment, as dora/find_product_deployments. Found by finishedAt (the index
// deployment_finished_at), so the cost follows the window, not the product's history.
MATCH (d:Deployment)
WHERE d.finishedAt >= $start AND d.finishedAt < $end
  AND d.environment =~ $environment
  AND (EXISTS { (d)-[:FOR_PRODUCT]->(:Product {id: $product}) }
       OR EXISTS { (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)
                   -[:FOR_PRODUCT]->(:Product {id: $product}) })
OPTIONAL MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
WITH d, min(r.id) AS repository, datetime({datetime: d.finishedAt, timezone: 'UTC'}) AS finished
RETURN collect([
         d.id, d.status, finished.epochSeconds * 1000000 + finished.nanosecond / 1000,
         repository, COUNT { (d)<-[:CAUSED_BY]-(:Incident) }, d.commits
       ]) AS deployments
