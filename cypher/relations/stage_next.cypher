// For each given Stage id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:Stage {id: key})
MATCH (p)-[r:NEXT]->(n:Stage)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.order
