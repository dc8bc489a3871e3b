// cardinality: one
// Of each repository in $repositories, one successful deployment (any case of `success`)
// of the product to the environment (as dora/find_product_deployments: FOR_PRODUCT, or
// through its head commit's repository; $environment a regular expression) that finished
// before $start and whose (least) head repository it is, if there is any; and, when
// $unattached, one such deployment of no repository. What a deployment in the window
// [$start, ...) needs of the history before it: it is its repository's first tracked
// deployment only when there is none. One row {deployments}, a list with one [id,
// status, finishedAt, repository, incidents, commits] per deployment, as
// dora/find_product_deployments.
CALL () {
  UNWIND $repositories AS repositoryId
  CALL (repositoryId) {
    MATCH (r:Repository {id: repositoryId})<-[:IN_REPO]-(:Commit)<-[:DEPLOYED]-(d:Deployment)
    WHERE d.finishedAt < $start AND d.environment =~ $environment
      AND toLower(d.status) = 'success'
      AND NOT EXISTS { (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(o:Repository) WHERE o.id < r.id }
      AND (EXISTS { (d)-[:FOR_PRODUCT]->(:Product {id: $product}) }
           OR EXISTS { (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)
                       -[:FOR_PRODUCT]->(:Product {id: $product}) })
    RETURN d
    LIMIT 1
  }
  RETURN d
  UNION
  MATCH (d:Deployment)-[:FOR_PRODUCT]->(:Product {id: $product})
  WHERE $unattached AND d.finishedAt < $start AND d.environment =~ $environment
    AND toLower(d.status) = 'success'
    AND NOT EXISTS { (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository) }
  RETURN d
  LIMIT 1
}
OPTIONAL MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
WITH d, min(r.id) AS repository, datetime({datetime: d.finishedAt, timezone: 'UTC'}) AS finished
RETURN collect([
         d.id, d.status, finished.epochSeconds * 1000000 + finished.nanosecond / 1000,
         repository, COUNT { (d)<-[:CAUSED_BY]-(:Incident) }, d.commits
       ]) AS deployments
