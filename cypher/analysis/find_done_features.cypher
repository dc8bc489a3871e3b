// cardinality: one
// The features done in the window [$start, $end) in value stream $valueStream (entered a
// done stage they are still in): one row {features}, a list with one [feature, deployed,
// heard] per feature; deployed = whether a commit that a successful deployment to
// $environment SHIPPED (at any time) implements the feature or one of its descendants
// (PARENT_OF, up to three levels), itself or through a pull request that contains it or
// was merged as it; heard = whether some Feedback is ABOUT the feature.
// Why this shape: the candidates are the features now in a done stage (the index on
// currentStage, which the embedded database applies to a work item's kind label too:
// matching `:Feature` reads only features, 0.1 s against 0.3 s through `:WorkItem` on
// 1,000,000 work items) that last moved in the window or later (an item's open visit
// began at its last move at the latest), not every visit a done stage ever had. Only the
// answers per feature are returned, the pull-request path asked only of features with no
// direct link: listing every descendant with every shipped commit and its deployment for
// the caller to sort out cost 4 s there (3,600 features), this 0.25 s. The links are
// read with pattern comprehensions, not EXISTS { }: the embedded database runs a
// subquery per row, which took longer here (0.43 s); a feature's commits are listed and
// any() asks each for its deployments only until one is a success to $environment
// (counting every commit's deployments took 0.32 s). One row, because the embedded
// database spends far more per row than per value.
MATCH (:ValueStream {id: $valueStream})-[:HAS_STAGE]->(s:Stage {state: 'done'})
MATCH (f:Feature {currentStage: s.id})
WHERE f.lastMovedAt >= $start
MATCH (f)-[v:IN_STAGE]->(s)
WHERE v.exitedAt IS NULL AND v.enteredAt >= $start AND v.enteredAt < $end
WITH DISTINCT f
WITH f, any(c IN [(f)-[:PARENT_OF*0..3]->(:WorkItem)<-[:IMPLEMENTS]-(c:Commit) | c]
            WHERE any(d IN [(c)<-[:SHIPPED]-(d:Deployment) | d]
                      WHERE d.environment = $environment AND d.status = 'success')) AS direct
WITH f, CASE WHEN direct THEN true
             ELSE any(c IN [(f)-[:PARENT_OF*0..3]->(:WorkItem)<-[:IMPLEMENTS]-(:PullRequest)
                            -[:CONTAINS|MERGED_AS]->(c:Commit) | c]
                      WHERE any(d IN [(c)<-[:SHIPPED]-(d:Deployment) | d]
                                WHERE d.environment = $environment AND d.status = 'success'))
        END AS deployed
RETURN collect([f.id, deployed, size([(f)<-[:ABOUT]-(fb:Feedback) | fb]) > 0]) AS features
