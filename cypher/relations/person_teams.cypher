// For each given Person id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:Person {id: key})
MATCH (p)-[r:MEMBER_OF]->(n:Team)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.id
