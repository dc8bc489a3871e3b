// Floor for the nested list query: every product with its value streams and their stages
// in order, as one statement. One row per product {id, name, valueStreams: [{id, name,
// stages: [{id, name, order, state}]}]}, in id order.
MATCH (p:Product)
OPTIONAL MATCH (p)-[:HAS_VALUE_STREAM]->(v:ValueStream)
OPTIONAL MATCH (v)-[:HAS_STAGE]->(s:Stage)
WITH p, v, s
ORDER BY p.id, v.id, s.order
WITH p, v, collect(s {.id, .name, .order, .state}) AS stages
RETURN p.id AS id, p.name AS name, collect(v {.id, .name, stages: stages}) AS valueStreams
ORDER BY id
