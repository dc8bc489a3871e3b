// One row per stage of every value stream: {stage, name, product, states}; a few hundred rows.
MATCH (p:Product)-[:HAS_VALUE_STREAM]->(:ValueStream)-[:HAS_STAGE]->(s:Stage)
RETURN s.id AS stage, s.name AS name, p.id AS product, coalesce(s.states, []) AS states
