// For each given Team id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:Team {id: key})
MATCH (p)<-[r:MEMBER_OF]-(n:Person)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.id
