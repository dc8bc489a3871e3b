// What the given deployments SHIPPED, as changes: one row {changes}, a list with one
// [deployment, commit, pullRequest, firstCommitAt, inPullRequest, shippedAt] per shipped
// commit and pull request merged as it (pullRequest null when none). firstCommitAt: the
// earliest authoredAt of the pull request's commits (the merge commit's own when it
// lists none), else the commit's; inPullRequest: some pull request CONTAINS the commit;
// shippedAt: finishedAt of every successful deployment to $environment that SHIPPED the
// commit. Times in epoch microseconds (one row, numbers: see find_product_deployments).
UNWIND $deployments AS deploymentId
MATCH (d:Deployment {id: deploymentId})-[:SHIPPED]->(c:Commit)
OPTIONAL MATCH (pr:PullRequest)-[:MERGED_AS]->(c)
OPTIONAL MATCH (pr)-[:CONTAINS]->(pc:Commit)
WITH d, c, pr, min(pc.authoredAt) AS firstContained
WITH d, c, pr,
     datetime({datetime: coalesce(firstContained, c.authoredAt), timezone: 'UTC'}) AS first,
     [(c)<-[:SHIPPED]-(o:Deployment)
      WHERE o.environment = $environment AND o.status = 'success'
        AND o.finishedAt IS NOT NULL
      | datetime({datetime: o.finishedAt, timezone: 'UTC'})] AS shipped
RETURN collect([
         d.id, c.id, pr.id, first.epochSeconds * 1000000 + first.nanosecond / 1000,
         EXISTS { (:PullRequest)-[:CONTAINS]->(c) },
         [s IN shipped | s.epochSeconds * 1000000 + s.nanosecond / 1000]
       ]) AS changes
