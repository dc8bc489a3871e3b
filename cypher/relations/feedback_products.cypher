// For each given Feedback id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:Feedback {id: key})
MATCH (p)-[r:ABOUT]->(n:Product)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.id
