// cardinality: rows
// The commits shipped by successful deployments to $environment of the product of value
// stream $valueStream (FOR_PRODUCT, or whose head commit is in one of its repositories)
// that finished in [$start, $end): one row {deployment, commit, items} per shipped
// commit, items = ids of the work items it implements, itself or through a pull request
// that contains it or was merged as it.
MATCH (:ValueStream {id: $valueStream})<-[:HAS_VALUE_STREAM]-(p:Product)
MATCH (d:Deployment)
WHERE d.environment = $environment
  AND d.status = 'success'
  AND d.finishedAt >= $start
  AND d.finishedAt < $end
  AND (EXISTS { (d)-[:FOR_PRODUCT]->(p) }
       OR EXISTS { (d)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)-[:FOR_PRODUCT]->(p) })
MATCH (d)-[:SHIPPED]->(c:Commit)
RETURN d.id AS deployment, c.id AS commit,
       [(c)-[:IMPLEMENTS]->(w:WorkItem) | w.id]
       + [(c)<-[:CONTAINS|MERGED_AS]-(:PullRequest)-[:IMPLEMENTS]->(w:WorkItem) | w.id] AS items
