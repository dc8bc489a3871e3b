// For each given Tool id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:Tool {id: key})
MATCH (p)-[r:SUPPORTS]->(n:Stage)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.id
