// cardinality: one
// Everything a trace finds for work item $id, in one statement: one row {item, ancestors,
// descendants, product, businessLine, pullRequests, commits, builds, deployments,
// releases, incidents, feedback, started}, or no row if there is no such item. Nodes come
// as [properties, labels], unordered (graph/trace.py orders them); ancestors root first;
// incidents as [properties, labels, deployment id, inferred]; started: the first entry of
// the item or a descendant into an active or waiting stage (null if none).
// One statement, not one per part: a request waits for one round trip, not several.
// Every CALL ends in an aggregate so it yields one row even when it finds nothing, and
// every UNWIND of a list that may be empty unwinds [null] instead (OPTIONAL MATCH from
// null finds nothing): on the embedded database an aggregate over no rows at all yields
// no row, which would drop the whole trace.
// Walked from the bound item (`(w)<-[...]-(a)`, not `(a)-[...]->(w)`): the embedded
// database starts the other way round from every work item.
MATCH (w:WorkItem {id: $id})
CALL (w) {
  OPTIONAL MATCH path = (w)<-[:PARENT_OF*1..12]-(a:WorkItem)
  WITH a, length(path) AS depth
  ORDER BY depth DESC
  RETURN collect(a) AS above
}
CALL (w) {
  OPTIONAL MATCH path = (w)-[:PARENT_OF*1..12]->(d:WorkItem)
  WITH d, length(path) AS depth
  ORDER BY depth, d.id
  RETURN collect(d) AS below
}
// The product of the item or of its nearest ancestor that has one, with its business line.
CALL (w, above) {
  WITH [w] + reverse(above) AS chain
  UNWIND range(0, size(chain) - 1) AS depth
  WITH chain[depth] AS x, depth
  OPTIONAL MATCH (x)-[:FOR_PRODUCT]->(p:Product)
  OPTIONAL MATCH (b:BusinessLine)-[:OWNS]->(p)
  WITH p, b, depth
  ORDER BY depth
  WITH collect(CASE WHEN p IS NULL THEN null ELSE [p, b] END) AS found
  RETURN found[0][0] AS product, found[0][1] AS businessLine
}
WITH w, above, below, product, businessLine, [w] + below AS items
CALL (items) {
  UNWIND items AS i
  OPTIONAL MATCH (i)<-[:IMPLEMENTS]-(direct:PullRequest)
  OPTIONAL MATCH (i)<-[:IMPLEMENTS]-(:Commit)<-[:CONTAINS]-(viaCommit:PullRequest)
  RETURN collect(DISTINCT direct) + collect(DISTINCT viaCommit) AS pulls
}
CALL (items) {
  UNWIND items AS i
  OPTIONAL MATCH (i)<-[:IMPLEMENTS]-(c:Commit)
  RETURN collect(DISTINCT c) AS implementing
}
CALL (pulls) {
  UNWIND CASE WHEN size(pulls) = 0 THEN [null] ELSE pulls END AS pr
  OPTIONAL MATCH (pr)-[:CONTAINS|MERGED_AS]->(c:Commit)
  RETURN collect(DISTINCT c) AS pulled
}
WITH w, above, below, product, businessLine, items, pulls, implementing + pulled AS commits
CALL (commits) {
  UNWIND CASE WHEN size(commits) = 0 THEN [null] ELSE commits END AS c
  OPTIONAL MATCH (c)<-[:BUILT]-(b:Build)
  RETURN collect(DISTINCT b) AS builds
}
CALL (commits) {
  UNWIND CASE WHEN size(commits) = 0 THEN [null] ELSE commits END AS c
  OPTIONAL MATCH (c)<-[:SHIPPED|DEPLOYED]-(d:Deployment)
  RETURN collect(DISTINCT d) AS deployments
}
CALL (items, deployments) {
  UNWIND CASE WHEN size(deployments) = 0 THEN [null] ELSE deployments END AS d
  OPTIONAL MATCH (d)<-[:INCLUDES]-(r:Release)
  RETURN collect(DISTINCT r) AS included
}
CALL (items) {
  UNWIND items AS i
  OPTIONAL MATCH (i)<-[:DELIVERS]-(r:Release)
  RETURN collect(DISTINCT r) AS delivered
}
CALL (deployments) {
  UNWIND CASE WHEN size(deployments) = 0 THEN [null] ELSE deployments END AS d
  OPTIONAL MATCH (d)<-[c:CAUSED_BY]-(x:Incident)
  RETURN collect(CASE WHEN x IS NULL THEN null
                      ELSE [x {.*}, labels(x), d.id, coalesce(c.inferred, false)] END) AS incidents
}
CALL (items) {
  UNWIND items AS i
  OPTIONAL MATCH (i)-[:ABOUT|RAISED_FROM]-(f:Feedback)
  RETURN collect(DISTINCT f) AS feedback
}
CALL (items) {
  UNWIND items AS i
  OPTIONAL MATCH (i)-[v:IN_STAGE]->(s:Stage)
  WHERE s.state IN ['active', 'waiting']
  RETURN min(v.enteredAt) AS started
}
RETURN [w {.*}, labels(w)] AS item,
       [a IN above | [a {.*}, labels(a)]] AS ancestors,
       [d IN below | [d {.*}, labels(d)]] AS descendants,
       CASE WHEN product IS NULL THEN null ELSE [product {.*}, labels(product)] END AS product,
       CASE WHEN businessLine IS NULL THEN null
            ELSE [businessLine {.*}, labels(businessLine)] END AS businessLine,
       [p IN pulls | [p {.*}, labels(p)]] AS pullRequests,
       [c IN commits | [c {.*}, labels(c)]] AS commits,
       [b IN builds | [b {.*}, labels(b)]] AS builds,
       [d IN deployments | [d {.*}, labels(d)]] AS deployments,
       [r IN included + delivered | [r {.*}, labels(r)]] AS releases,
       incidents,
       [f IN feedback | [f {.*}, labels(f)]] AS feedback,
       started
