// cardinality: one
// The features done in the window [$start, $end) in value stream $valueStream (entered a
// done stage they are still in), with the feature itself and each descendant (PARENT_OF,
// up to three levels): one row {features}, a list with one [feature, item, shipped,
// feedback] per (feature, item); shipped = [commit id, deployment id] for each commit
// implementing the item (itself or through a pull request) that a successful deployment
// to $environment SHIPPED; feedback = ids of the Feedback ABOUT the feature.
// Why this shape: the candidates are the items now in a done stage (the index on
// currentStage) that last moved in the window or later (an item's open visit began at
// its last move at the latest), not every visit a done stage ever had; one row, because
// the embedded database spends far more per row than per value.
MATCH (:ValueStream {id: $valueStream})-[:HAS_STAGE]->(s:Stage {state: 'done'})
MATCH (f:WorkItem {currentStage: s.id})
WHERE f.lastMovedAt >= $start AND f:Feature
MATCH (f)-[v:IN_STAGE]->(s)
WHERE v.exitedAt IS NULL AND v.enteredAt >= $start AND v.enteredAt < $end
WITH DISTINCT f
MATCH (f)-[:PARENT_OF*0..3]->(w:WorkItem)
WITH DISTINCT f, w
RETURN collect([
         f.id, w.id,
         [(w)<-[:IMPLEMENTS]-(c:Commit)<-[:SHIPPED]-(d:Deployment)
           WHERE d.environment = $environment AND d.status = 'success' | [c.id, d.id]]
         + [(w)<-[:IMPLEMENTS]-(:PullRequest)-[:CONTAINS|MERGED_AS]->(c:Commit)<-[:SHIPPED]-(d:Deployment)
           WHERE d.environment = $environment AND d.status = 'success' | [c.id, d.id]],
         [(f)<-[:ABOUT]-(fb:Feedback) | fb.id]
       ]) AS features
