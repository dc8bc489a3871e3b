// cardinality: one
// The stages of the value streams that work item $id's descendants (PARENT_OF, up to
// four levels) are now in (currentStage), by value stream then order: one row {scopes},
// a list with one [$id, stages] when there are any, each stage as
// metrics/load_stages_of_value_stream gives it ([id, name, order, state, value stream
// id, outcome, the value stream's flowItemLevel]).
MATCH (:WorkItem {id: $id})-[:PARENT_OF*1..4]->(w:WorkItem)
WITH DISTINCT w.currentStage AS current
MATCH (vs:ValueStream)-[:HAS_STAGE]->(:Stage {id: current})
WITH DISTINCT vs
MATCH (vs)-[:HAS_STAGE]->(s:Stage)
WITH vs, s
ORDER BY vs.id, s.order, s.id
WITH collect([s.id, s.name, s.order, s.state, vs.id, s.outcome, vs.flowItemLevel]) AS stages
WHERE size(stages) > 0
RETURN collect([$id, stages]) AS scopes
