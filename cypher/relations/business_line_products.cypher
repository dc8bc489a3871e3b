// For each given BusinessLine id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:BusinessLine {id: key})
MATCH (p)-[r:OWNS]->(n:Product)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.id
