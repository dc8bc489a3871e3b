// For each given Release id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:Release {id: key})
MATCH (p)-[r:DELIVERS]->(n:WorkItem)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.id
