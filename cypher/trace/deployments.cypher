// Deployments that shipped (or have as head) any of the given commits: distinct rows
// {node, labels}, oldest first.
UNWIND $commits AS commitId
MATCH (:Commit {id: commitId})<-[:SHIPPED|DEPLOYED]-(d:Deployment)
WITH DISTINCT d
RETURN d {.*} AS node, labels(d) AS labels
ORDER BY d.startedAt, d.id
