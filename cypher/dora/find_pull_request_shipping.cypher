// cardinality: one
// Where pull requests shipped: one row {pullRequests}, a list with one [pullRequest,
// mergeCommit, repository, shipped] per pull request asked for that is known (one per
// merge commit if it has several). mergeCommit: the commit it was MERGED_AS, null if
// none; repository: the (least) id of its repository (IN_REPO, else its merge commit's);
// shipped: [deployment, finishedAt] of every successful deployment (any case of
// `success`) to an environment matching $environment (a regular expression, as
// dora/find_changes) that SHIPPED its merge commit, finishedAt in epoch microseconds.
// The deployments whose commit list names the merge commit are read from the
// repository's deployments (dora/find_repository_deployments).
UNWIND $pullRequests AS pullRequestId
MATCH (pr:PullRequest {id: pullRequestId})
OPTIONAL MATCH (pr)-[:MERGED_AS]->(c:Commit)
OPTIONAL MATCH (pr)-[:IN_REPO]->(r:Repository)
OPTIONAL MATCH (c)-[:IN_REPO]->(cr:Repository)
WITH pr, c, coalesce(min(r.id), min(cr.id)) AS repository
// Guarded: the embedded database reads every SHIPPED of the graph for a null c.
WITH pr, c, repository,
     CASE WHEN c IS NULL THEN []
          ELSE [(c)<-[:SHIPPED]-(d:Deployment)
                WHERE d.environment =~ $environment AND toLower(d.status) = 'success'
                  AND d.finishedAt IS NOT NULL
                | [d.id, datetime({datetime: d.finishedAt, timezone: 'UTC'})]] END AS shipped
RETURN collect([
         pr.id, c.id, repository,
         [s IN shipped | [s[0], s[1].epochSeconds * 1000000 + s[1].nanosecond / 1000]]
       ]) AS pullRequests
