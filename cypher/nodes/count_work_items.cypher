// cardinality: one
// One row {total}: how many work items match the kind, product and team filters.
MATCH (n:WorkItem)
WHERE ($kinds IS NULL OR any(l IN labels(n) WHERE l IN $kinds))
  AND ($product IS NULL OR EXISTS { (n)-[:FOR_PRODUCT]->(:Product {id: $product}) })
  AND ($team IS NULL OR EXISTS { (n)<-[:OWNS]-(:Team {id: $team}) })
RETURN count(n) AS total
