// cardinality: one
// Where a new backlog item of product $product enters the flow: the first stage (lowest
// order, then id) of its value streams (the value stream with the smallest id first), and
// the product's key. At most one row {stage, key}; none if the product has no stage.
MATCH (p:Product {id: $product})-[:HAS_VALUE_STREAM]->(vs:ValueStream)-[:HAS_STAGE]->(s:Stage)
RETURN s.id AS stage, p.key AS key
ORDER BY vs.id, s.order, s.id
LIMIT 1
