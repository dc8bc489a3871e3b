// One row per stage: {stage, name, order, states, stream} (stream null while no value
// stream has it); a few hundred rows.
MATCH (s:Stage)
OPTIONAL MATCH (v:ValueStream)-[:HAS_STAGE]->(s)
RETURN s.id AS stage, s.name AS name, coalesce(s.order, 0) AS order,
       coalesce(s.states, []) AS states, v.id AS stream
