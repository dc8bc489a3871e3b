// cardinality: rows
// The skills the stages of value stream $valueStream need: one row {stage, skill, level}
// per NEEDS_SKILL, in stage order.
MATCH (:ValueStream {id: $valueStream})-[:HAS_STAGE]->(s:Stage)-[n:NEEDS_SKILL]->(k:Skill)
RETURN s.id AS stage, k.id AS skill, n.level AS level
ORDER BY s.order, s.id, k.id
