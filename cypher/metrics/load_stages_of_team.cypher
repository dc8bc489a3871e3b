// The stages of the value streams of every product team $id contributes to, by value
// stream then order: rows {id, name, order, state, valueStream}; one per stage.
MATCH (:Team {id: $id})-[:CONTRIBUTES_TO]->(:Product)-[:HAS_VALUE_STREAM]->(vs:ValueStream)
MATCH (vs)-[:HAS_STAGE]->(s:Stage)
WITH DISTINCT vs, s
RETURN s.id AS id, s.name AS name, s.order AS order, s.state AS state, vs.id AS valueStream
ORDER BY vs.id, s.order, s.id
