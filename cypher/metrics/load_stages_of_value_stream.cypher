// cardinality: one
// The stages of each value stream $ids in order: one row {scopes}, a list with one
// [value stream id, stages] per value stream that has stages, each stage [id, name,
// order, state, value stream id, outcome, the value stream's flowItemLevel].
UNWIND $ids AS id
MATCH (vs:ValueStream {id: id})-[:HAS_STAGE]->(s:Stage)
WITH id, vs, s
ORDER BY s.order, s.id
WITH id, collect([s.id, s.name, s.order, s.state, vs.id, s.outcome, vs.flowItemLevel]) AS stages
RETURN collect([id, stages]) AS scopes
