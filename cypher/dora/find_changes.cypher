// cardinality: one
// What the given deployments shipped, as changes: the commits each SHIPPED (derived from
// the commit graph) and those its tool listed (Deployment.commits) that are known
// commits. A change is a shipped commit that a pull request was merged as (with it), or
// one outside every pull request (pullRequest null); a branch commit (one a pull request
// CONTAINS, not merged as one) is left out: its pull request is the change, through its
// merge commit. One row of columns, a list each with one entry per change, in step:
// deployments (the id), commits, pullRequests; firstCommits: the earliest authoredAt of
// the pull request's commits (the merge commit's own when it lists none), else the
// commit's; shipped: the earliest finishedAt of the successful deployments to an
// environment matching $environment (a regular expression, any case of `success`) that
// SHIPPED the commit; listed: whether the deployment's commit list names it; titles: the
// pull request's, else the commit's message; opened, merged: the pull request's
// createdAt and mergedAt; reviews: a list per change, the submittedAt of its REVIEWED.
// Times in epoch microseconds. '' where a change has no such value (no pull request, no
// shipping, no time): collect() would leave a null out and the columns out of step.
// With $details false, titles and reviews are empty lists: a lead time's hours need
// neither, only its breakdown and findings do, and they cost a quarter of the statement
// at 1,000,000 work items (a title and a traversal per change).
// Why columns: the answer is most of the cost. For a product's quarter at 1,000,000 work
// items (21,762 changes) everything here is computed in 0.45 s, and a list per change
// took 0.6 s more to send and decode; columns of plain values take 0.3 s.
// Why the branch commits are dropped first, by their derived branchCommit
// (graph/ingest/commit_flags.py): most shipped commits are (38,661 of 60,423 for that
// quarter), and asking each commit for its pull requests by two traversals was half of
// what this statement computes.
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
     reduce(earliest = null, at IN [(c)<-[:SHIPPED]-(o:Deployment)
                                     WHERE o.environment =~ $environment
                                       AND toLower(o.status) = 'success'
                                       AND o.finishedAt IS NOT NULL
                                     | o.finishedAt]
            | CASE WHEN earliest IS NULL OR at < earliest THEN at ELSE earliest END) AS shippedAt,
     // Guarded: the embedded database reads every REVIEWED of the graph for a null pr.
     CASE WHEN pr IS NULL OR NOT $details THEN []
          ELSE [(pr)<-[r:REVIEWED]-(:Person)
                | datetime({datetime: r.submittedAt, timezone: 'UTC'})] END AS reviews
WITH d, c, pr, first, opened, merged, reviews,
     datetime({datetime: shippedAt, timezone: 'UTC'}) AS shipped
WITH collect(d.id) AS deployments, collect(c.id) AS commits,
     collect(coalesce(pr.id, '')) AS pullRequests,
     collect(first.epochSeconds * 1000000 + first.nanosecond / 1000) AS firstCommits,
     collect(CASE WHEN shipped IS NULL THEN ''
                  ELSE shipped.epochSeconds * 1000000 + shipped.nanosecond / 1000 END) AS shipped,
     collect(c.id IN coalesce(d.commits, [])) AS listed,
     collect(CASE WHEN $details THEN coalesce(pr.title, c.message, '') ELSE '' END) AS titles,
     collect(CASE WHEN pr.createdAt IS NULL THEN ''
                  ELSE opened.epochSeconds * 1000000 + opened.nanosecond / 1000 END) AS opened,
     collect(CASE WHEN pr.mergedAt IS NULL THEN ''
                  ELSE merged.epochSeconds * 1000000 + merged.nanosecond / 1000 END) AS merged,
     collect([r IN reviews | r.epochSeconds * 1000000 + r.nanosecond / 1000]) AS reviews
RETURN deployments, commits, pullRequests, firstCommits, shipped, listed,
       CASE WHEN $details THEN titles ELSE [] END AS titles, opened, merged,
       CASE WHEN $details THEN reviews ELSE [] END AS reviews
