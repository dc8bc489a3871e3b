// cardinality: one
// Successful deployments (any case of `success`) of the product to the environment (as
// dora/find_product_deployments: FOR_PRODUCT, or through its head commit's repository;
// $environment a regular expression) that finished before $start and whose commit list
// (Deployment.commits) names one of $commits: what a change the window ships needs of
// the history before it, since such a deployment shipped it first. One row
// {deployments}, a list with one [id, status, finishedAt, repository, incidents,
// commits] per deployment, as dora/find_product_deployments, commits cut to $commits.
MATCH (d:Deployment)
WHERE d.finishedAt < $start AND d.commits IS NOT NULL
  AND any(c IN d.commits WHERE c IN $commits)
  AND d.environment =~ $environment AND toLower(d.status) = 'success'
  AND (EXISTS { (d)-[:FOR_PRODUCT]->(:Product {id: $product}) }
       OR EXISTS { (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)
                   -[:FOR_PRODUCT]->(:Product {id: $product}) })
OPTIONAL MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
WITH d, min(r.id) AS repository, datetime({datetime: d.finishedAt, timezone: 'UTC'}) AS finished
RETURN collect([
         d.id, d.status, finished.epochSeconds * 1000000 + finished.nanosecond / 1000,
         repository, COUNT { (d)<-[:CAUSED_BY]-(:Incident) },
         [c IN d.commits WHERE c IN $commits]
       ]) AS deployments
