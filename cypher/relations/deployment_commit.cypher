// For each given Deployment id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:Deployment {id: key})
MATCH (p)-[r:DEPLOYED]->(n:Commit)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.id
