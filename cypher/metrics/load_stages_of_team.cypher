// cardinality: one
// The stages of the value streams of every product each team $ids contributes to, by
// value stream then order: one row {scopes}, a list with one [team id, stages] per team
// whose products have stages, each stage [id, name, order, state, value stream id, outcome, the value stream's
// flowItemLevel].
UNWIND $ids AS id
MATCH (:Team {id: id})-[:CONTRIBUTES_TO]->(:Product)-[:HAS_VALUE_STREAM]->(vs:ValueStream)
MATCH (vs)-[:HAS_STAGE]->(s:Stage)
WITH DISTINCT id, vs, s
ORDER BY vs.id, s.order, s.id
WITH id, collect([s.id, s.name, s.order, s.state, vs.id, s.outcome, vs.flowItemLevel]) AS stages
RETURN collect([id, stages]) AS scopes
