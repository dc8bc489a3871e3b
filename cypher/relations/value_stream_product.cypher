// For each given ValueStream id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:ValueStream {id: key})
MATCH (p)<-[r:HAS_VALUE_STREAM]-(n:Product)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.id
