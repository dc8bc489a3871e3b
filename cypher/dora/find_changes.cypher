// cardinality: one
// What the given deployments shipped, as changes: the commits each SHIPPED (derived from
// the commit graph) and those its tool listed (Deployment.commits) that are known
// commits. One row {changes}, a list with one [deployment, commit, pullRequest,
// firstCommitAt, shippedAt, listed, title, openedAt, mergedAt, reviews] per change: a
// shipped commit that a pull request was merged as (with it), or one outside every pull
// request (pullRequest null). A branch commit (one a pull request CONTAINS, not merged
// as one) is left out: its pull request is the change, through its merge commit.
// firstCommitAt: the earliest authoredAt of the pull request's commits (the merge
// commit's own when it lists none), else the commit's; shippedAt: finishedAt of every successful deployment to an
// environment matching $environment (a regular expression, any case of `success`) that
// SHIPPED the commit; listed: the deployment's commit list names it; title: the pull
// request's, else the commit's message; openedAt, mergedAt: the pull request's
// createdAt and mergedAt; reviews: submittedAt of its REVIEWED. Times in epoch
// microseconds (one row, numbers: see find_product_deployments). With $details false,
// title is null and reviews empty: a lead time's hours need neither, only its
// breakdown and findings do, and they cost a quarter of the statement at 1,000,000 work
// items (a title and a traversal per change).
// Why the branch commits are dropped first, by their derived branchCommit
// (graph/ingest/branch_commits.py): most shipped commits are (38,661 of 60,423 for a
// product's quarter at 1,000,000 work items), and each row's lookups cost more than the
// rows themselves; asking each commit for its pull requests by two traversals was half
// of this statement there.
UNWIND $deployments AS deploymentId
MATCH (d:Deployment {id: deploymentId})
CALL (d) {
  MATCH (d)-[:SHIPPED]->(c:Commit)
  RETURN c
  UNION
  UNWIND coalesce(d.commits, []) AS listedId
  MATCH (c:Commit {id: listedId})
  RETURN c
}
WITH d, c
WHERE c.branchCommit IS NULL
OPTIONAL MATCH (c)<-[:MERGED_AS]-(pr:PullRequest)
OPTIONAL MATCH (pr)-[:CONTAINS]->(pc:Commit)
WITH d, c, pr, min(pc.authoredAt) AS firstContained
WITH d, c, pr,
     datetime({datetime: coalesce(firstContained, c.authoredAt), timezone: 'UTC'}) AS first,
     datetime({datetime: pr.createdAt, timezone: 'UTC'}) AS opened,
     datetime({datetime: pr.mergedAt, timezone: 'UTC'}) AS merged,
     [(c)<-[:SHIPPED]-(o:Deployment)
      WHERE o.environment =~ $environment AND toLower(o.status) = 'success'
        AND o.finishedAt IS NOT NULL
      | datetime({datetime: o.finishedAt, timezone: 'UTC'})] AS shipped,
     // Guarded: the embedded database reads every REVIEWED of the graph for a null pr.
     CASE WHEN pr IS NULL OR NOT $details THEN []
          ELSE [(pr)<-[r:REVIEWED]-(:Person)
                | datetime({datetime: r.submittedAt, timezone: 'UTC'})] END AS reviews
RETURN collect([
         d.id, c.id, pr.id, first.epochSeconds * 1000000 + first.nanosecond / 1000,
         [s IN shipped | s.epochSeconds * 1000000 + s.nanosecond / 1000],
         c.id IN coalesce(d.commits, []),
         CASE WHEN $details THEN coalesce(pr.title, c.message) END,
         CASE WHEN pr.createdAt IS NULL THEN null
              ELSE opened.epochSeconds * 1000000 + opened.nanosecond / 1000 END,
         CASE WHEN pr.mergedAt IS NULL THEN null
              ELSE merged.epochSeconds * 1000000 + merged.nanosecond / 1000 END,
         [r IN reviews | r.epochSeconds * 1000000 + r.nanosecond / 1000]
       ]) AS changes
