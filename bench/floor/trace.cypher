// Floor for `trace(workItemId)`: the ids of everything a trace finds for work item $id,
// in one statement (bench/suite.py compares them with vsgraph's trace): one row
// {item, ancestors, descendants, product, businessLine, pullRequests, commits, builds,
// deployments, releases, incidents, feedback}, or no row if there is no such item.
// Each CALL ends in an aggregate so it yields exactly one row, even when it finds nothing.
MATCH (w:WorkItem {id: $id})
// Walked from the item (`(w)<-[...]-(a)`, not `(a)-[...]->(w)`): the embedded database
// starts the other way round from every work item (~760 ms at 100,000 items vs ~3 ms).
CALL (w) {
  OPTIONAL MATCH path = (w)<-[:PARENT_OF*1..12]-(a:WorkItem)
  WITH a, length(path) AS depth
  ORDER BY depth
  RETURN collect(a) AS above
}
CALL (w) {
  OPTIONAL MATCH (w)-[:PARENT_OF*1..12]->(d:WorkItem)
  RETURN collect(DISTINCT d) AS below
}
// The product of the item or of its nearest ancestor that has one. Walking the chain
// found above, not `(x)-[:PARENT_OF*0..12]->(w)`: with a zero lower bound the embedded
// database starts from every work item (~180 ms at 10,000 items instead of ~3 ms).
CALL (w, above) {
  UNWIND range(0, size(above)) AS depth
  WITH ([w] + above)[depth] AS x, depth
  MATCH (x)-[:FOR_PRODUCT]->(p:Product)
  OPTIONAL MATCH (b:BusinessLine)-[:OWNS]->(p)
  WITH p, b, depth
  ORDER BY depth
  RETURN head(collect(p.id)) AS product, head(collect(b.id)) AS businessLine
}
WITH w, [a IN above | a.id] AS ancestors, below, product, businessLine, [w] + below AS items
CALL (items) {
  UNWIND items AS i
  OPTIONAL MATCH (i)<-[:IMPLEMENTS]-(direct:PullRequest)
  OPTIONAL MATCH (i)<-[:IMPLEMENTS]-(:Commit)<-[:CONTAINS]-(viaCommit:PullRequest)
  RETURN collect(DISTINCT direct) + collect(DISTINCT viaCommit) AS pulls
}
CALL (items, pulls) {
  UNWIND items AS i
  OPTIONAL MATCH (i)<-[:IMPLEMENTS]-(c:Commit)
  RETURN collect(DISTINCT c) AS implementing
}
CALL (pulls) {
  UNWIND pulls AS pr
  OPTIONAL MATCH (pr)-[:CONTAINS|MERGED_AS]->(c:Commit)
  RETURN collect(DISTINCT c) AS pulled
}
WITH w, ancestors, below, product, businessLine, items, pulls, implementing + pulled AS commits
CALL (commits) {
  UNWIND commits AS c
  OPTIONAL MATCH (c)<-[:BUILT]-(b:Build)
  RETURN collect(DISTINCT b.id) AS builds
}
CALL (commits) {
  UNWIND commits AS c
  OPTIONAL MATCH (c)<-[:SHIPPED|DEPLOYED]-(d:Deployment)
  RETURN collect(DISTINCT d) AS deployments
}
CALL (items, deployments) {
  UNWIND deployments AS d
  OPTIONAL MATCH (d)<-[:INCLUDES]-(r:Release)
  RETURN collect(DISTINCT r.id) AS included
}
CALL (items) {
  UNWIND items AS i
  OPTIONAL MATCH (i)<-[:DELIVERS]-(r:Release)
  RETURN collect(DISTINCT r.id) AS delivered
}
CALL (deployments) {
  UNWIND deployments AS d
  OPTIONAL MATCH (d)<-[:CAUSED_BY]-(x:Incident)
  RETURN collect(DISTINCT x.id) AS incidents
}
CALL (items) {
  UNWIND items AS i
  OPTIONAL MATCH (i)<-[:ABOUT]-(f:Feedback)
  RETURN collect(DISTINCT f.id) AS feedback
}
RETURN w.id AS item, ancestors, [d IN below | d.id] AS descendants, product, businessLine,
       [p IN pulls | p.id] AS pullRequests, [c IN commits | c.id] AS commits, builds,
       [d IN deployments | d.id] AS deployments, included + delivered AS releases,
       incidents, feedback
