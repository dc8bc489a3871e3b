// cardinality: one
// Successful, finished deployments of the given products (FOR_PRODUCT, or through the
// repository of their head commit) whose environment matches one of $patterns (regular
// expressions the whole name matches, graph/ingest/causes.py incident_pattern): one row
// {deployments}, a list with one [product, deployment, indexes of the patterns its
// environment matches, finishedAt (epoch microseconds)] per product and deployment.
UNWIND $products AS productId
MATCH (p:Product {id: productId})
CALL (p) {
  MATCH (d:Deployment)-[:FOR_PRODUCT]->(p)
  RETURN d
  UNION
  MATCH (d:Deployment)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)-[:FOR_PRODUCT]->(p)
  RETURN d
}
WITH p, d
WHERE d.status = 'success' AND d.finishedAt IS NOT NULL
WITH p, d, [n IN range(0, size($patterns) - 1) WHERE d.environment =~ $patterns[n]] AS matched
WHERE size(matched) > 0
WITH p, d, matched, datetime({datetime: d.finishedAt, timezone: 'UTC'}) AS finished
RETURN collect([
         p.id, d.id, matched, finished.epochSeconds * 1000000 + finished.nanosecond / 1000
       ]) AS deployments
