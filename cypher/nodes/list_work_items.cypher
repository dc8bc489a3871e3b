// cardinality: rows
// Up to $first work items after id $after, by id, filtered by kind labels, product and
// owning team (each null for any): rows {node, labels}.
MATCH (n:WorkItem)
WHERE ($after IS NULL OR n.id > $after)
  AND ($kinds IS NULL OR any(l IN labels(n) WHERE l IN $kinds))
  AND ($product IS NULL OR EXISTS { (n)-[:FOR_PRODUCT]->(:Product {id: $product}) })
  AND ($team IS NULL OR EXISTS { (n)<-[:OWNS]-(:Team {id: $team}) })
RETURN n {.*} AS node, labels(n) AS labels
ORDER BY n.id
LIMIT $first
