// cardinality: rows
// The features done in the window [$start, $end) in value stream $valueStream (entered a
// done stage they are still in), with the feature itself and each descendant (PARENT_OF,
// up to three levels): one row {feature, item, shipped, feedback} per (feature, item);
// shipped = [commit id, deployment id] for each commit implementing the item (itself or
// through a pull request) that a successful deployment to $environment SHIPPED;
// feedback = ids of the Feedback ABOUT the feature.
MATCH (:ValueStream {id: $valueStream})-[:HAS_STAGE]->(s:Stage)<-[v:IN_STAGE]-(f:Feature)
WHERE s.state = 'done'
  AND v.exitedAt IS NULL
  AND v.enteredAt >= $start
  AND v.enteredAt < $end
WITH DISTINCT f
MATCH (f)-[:PARENT_OF*0..3]->(w:WorkItem)
WITH DISTINCT f, w
RETURN f.id AS feature, w.id AS item,
       [(w)<-[:IMPLEMENTS]-(c:Commit)<-[:SHIPPED]-(d:Deployment)
         WHERE d.environment = $environment AND d.status = 'success' | [c.id, d.id]]
       + [(w)<-[:IMPLEMENTS]-(:PullRequest)-[:CONTAINS|MERGED_AS]->(c:Commit)<-[:SHIPPED]-(d:Deployment)
         WHERE d.environment = $environment AND d.status = 'success' | [c.id, d.id]] AS shipped,
       [(f)<-[:ABOUT]-(fb:Feedback) | fb.id] AS feedback
