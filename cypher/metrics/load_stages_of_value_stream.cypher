// The stages of value stream $id in order: rows {id, name, order, state, valueStream};
// one per stage, none if there is no such value stream.
MATCH (vs:ValueStream {id: $id})-[:HAS_STAGE]->(s:Stage)
RETURN s.id AS id, s.name AS name, s.order AS order, s.state AS state, vs.id AS valueStream
ORDER BY s.order, s.id
