// The stages of every value stream of product $id, by value stream then order:
// rows {id, name, order, state, valueStream}; one per stage.
MATCH (:Product {id: $id})-[:HAS_VALUE_STREAM]->(vs:ValueStream)-[:HAS_STAGE]->(s:Stage)
RETURN s.id AS id, s.name AS name, s.order AS order, s.state AS state, vs.id AS valueStream
ORDER BY vs.id, s.order, s.id
