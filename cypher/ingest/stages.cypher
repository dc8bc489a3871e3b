// cardinality: one
// The stage mapping's input: one row {stages, streams}: [stage, name, order, states,
// stream] per stage (stream null while no value stream has it), [stream, product] per
// value stream that belongs to a product. A few hundred stages.
CALL () {
  MATCH (s:Stage)
  OPTIONAL MATCH (v:ValueStream)-[:HAS_STAGE]->(s)
  RETURN collect([s.id, s.name, coalesce(s.order, 0), coalesce(s.states, []), v.id]) AS stages
}
CALL () {
  MATCH (p:Product)-[:HAS_VALUE_STREAM]->(v:ValueStream)
  RETURN collect([v.id, p.id]) AS streams
}
RETURN stages, streams
