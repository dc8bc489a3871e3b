// For each given Incident id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:Incident {id: key})
MATCH (p)-[r:CAUSED_BY]->(n:Deployment)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.startedAt
