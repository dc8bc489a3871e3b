// What the given deployments SHIPPED, as changes: one row per shipped commit and pull
// request merged as it (pullRequest null when none), {deployment, commit, pullRequest,
// firstCommitAt, inPullRequest, shippedAt}. firstCommitAt: the earliest authoredAt of
// the pull request's commits (the merge commit's own when it lists none), else the
// commit's; inPullRequest: some pull request CONTAINS the commit; shippedAt: finishedAt
// of every successful deployment to $environment that SHIPPED the commit.
UNWIND $deployments AS deploymentId
MATCH (d:Deployment {id: deploymentId})-[:SHIPPED]->(c:Commit)
OPTIONAL MATCH (pr:PullRequest)-[:MERGED_AS]->(c)
OPTIONAL MATCH (pr)-[:CONTAINS]->(pc:Commit)
WITH d, c, pr, min(pc.authoredAt) AS firstContained
RETURN d.id AS deployment, c.id AS commit, pr.id AS pullRequest,
       coalesce(firstContained, c.authoredAt) AS firstCommitAt,
       EXISTS { (:PullRequest)-[:CONTAINS]->(c) } AS inPullRequest,
       [(c)<-[:SHIPPED]-(o:Deployment)
        WHERE o.environment = $environment AND o.status = 'success'
          AND o.finishedAt IS NOT NULL | o.finishedAt] AS shippedAt
