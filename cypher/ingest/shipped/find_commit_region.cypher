// cardinality: one
// The commits within 8 PARENT hops of the frontier commits (themselves included), for a
// walk that fetches its region a slice at a time: one row {commits}, a list with one
// [id, parent ids, stop] per commit. `stop`: the walk goes no further there, because the
// commit is not in the repository or a successful deployment of the repository outside
// $recompute already SHIPPED it to the environment ($environment in lower case: every
// spelling of it). (The expansion may run up to 8 hops past such a commit; that bounded
// waste buys far fewer round trips than one hop at a time.)
UNWIND $frontier AS commitId
MATCH (:Commit {id: commitId})-[:PARENT*0..8]->(c:Commit)
WITH DISTINCT c
OPTIONAL MATCH (c)-[:PARENT]->(p:Commit)
WITH c, collect(p.id) AS parents
RETURN collect([
         c.id, parents,
         NOT EXISTS { (c)-[:IN_REPO]->(:Repository {id: $repository}) }
         OR EXISTS {
           MATCH (c)<-[:SHIPPED]-(d:Deployment)-[:DEPLOYED]->(:Commit)
                 -[:IN_REPO]->(:Repository {id: $repository})
           WHERE toLower(d.environment) = $environment AND d.status = 'success'
             AND NOT d.id IN $recompute
         }
       ]) AS commits
