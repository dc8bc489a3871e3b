// cardinality: one
// The stages of every value stream of each product $ids, by value stream then order: one
// row {scopes}, a list with one [product id, stages] per product that has stages, each
// stage [id, name, order, state, value stream id].
UNWIND $ids AS id
MATCH (:Product {id: id})-[:HAS_VALUE_STREAM]->(vs:ValueStream)-[:HAS_STAGE]->(s:Stage)
WITH id, vs, s
ORDER BY vs.id, s.order, s.id
WITH id, collect([s.id, s.name, s.order, s.state, vs.id, s.outcome, vs.flowItemLevel]) AS stages
RETURN collect([id, stages]) AS scopes
