// cardinality: one
// Deployments of the product to the environment (FOR_PRODUCT, or through the repository
// of their head commit), any time: one row {deployments}, a list with one [id, status,
// finishedAt (epoch microseconds, null if not finished), repository, incidents, commits]
// per deployment. $environment: a regular expression the whole environment name matches
// (graph/metrics/dora.py environment_pattern: any case, production by a pattern); `commits`:
// the commit list its tool gave (Deployment.commits), null if none. `repository`: the (least) id of its head's repository, null if none;
// `incidents`: how many incidents it CAUSED_BY (explicit or inferred). One row, and
// times as numbers: a product has tens of thousands of deployments, and the embedded
// database's rows and the driver's temporal values cost far more than numbers.
CALL () {
  MATCH (d:Deployment)-[:FOR_PRODUCT]->(:Product {id: $product})
  RETURN d
  UNION
  MATCH (d:Deployment)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)
        -[:FOR_PRODUCT]->(:Product {id: $product})
  RETURN d
}
WITH d
WHERE d.environment =~ $environment
OPTIONAL MATCH (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(r:Repository)
WITH d, min(r.id) AS repository, datetime({datetime: d.finishedAt, timezone: 'UTC'}) AS finished
RETURN collect([
         d.id, d.status,
         CASE WHEN d.finishedAt IS NULL THEN null
              ELSE finished.epochSeconds * 1000000 + finished.nanosecond / 1000 END,
         repository, COUNT { (d)<-[:CAUSED_BY]-(:Incident) }, d.commits
       ]) AS deployments
