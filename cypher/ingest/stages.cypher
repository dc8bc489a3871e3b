// cardinality: one
// The stage mapping's input: one row {stages, streams}: [stage, name, order, states,
// stream] per stage (stream null while no value stream has it), [stream, product] per
// value stream that belongs to a product. A few hundred stages.
// Why from the value streams: a stage's own relationships include every IN_STAGE visit
// it ever had, and the embedded database walks them all to find its HAS_STAGE from a
// stage (160 ms a delivery at 1,000,000 work items; 5 ms from the streams' side).
CALL () {
  MATCH (v:ValueStream)-[:HAS_STAGE]->(s:Stage)
  RETURN collect([s.id, s.name, coalesce(s.order, 0), coalesce(s.states, []), v.id]) AS inStreams
}
CALL (inStreams) {
  MATCH (s:Stage)
  WHERE NOT s.id IN [row IN inStreams | row[0]]
  RETURN collect([s.id, s.name, coalesce(s.order, 0), coalesce(s.states, []), null]) AS alone
}
CALL () {
  MATCH (p:Product)-[:HAS_VALUE_STREAM]->(v:ValueStream)
  RETURN collect([v.id, p.id]) AS streams
}
RETURN inStreams + alone AS stages, streams
