// For each given WorkItem id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:WorkItem {id: key})
MATCH (p)-[r:PARENT_OF]->(n:WorkItem)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.id
