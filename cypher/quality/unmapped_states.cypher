// cardinality: one
// Tool states in work items' stateLog that no stage of the item's product's value
// streams maps (neither in a stage's `states` nor its name, in any case): those facts
// make no visit, so the items are missing from the flow metrics (items without a
// product are quality/items_without_product). One row {count,
// examples}: count = items with such a state; examples = up to $examples of
// "<state> (<items> items, e.g. <item id>)", most frequent first.
MATCH (w:WorkItem)
WHERE w.stateLog IS NOT NULL
WITH w, [entry IN w.stateLog WHERE split(entry, '\t')[1] = 'state'
         | toLower(split(entry, '\t')[2])] AS states
WHERE size(states) > 0
MATCH (w)-[:FOR_PRODUCT]->(p:Product)
WITH w, states,
     COLLECT {
       MATCH (p)-[:HAS_VALUE_STREAM]->(:ValueStream)-[:HAS_STAGE]->(s:Stage)
       UNWIND coalesce(s.states, []) + [s.name] AS known
       RETURN DISTINCT toLower(known)
     } AS known
UNWIND states AS state
WITH DISTINCT state, w, known
WHERE NOT state IN known
WITH collect(DISTINCT w.id) AS items, collect([state, w.id]) AS pairs
CALL (pairs) {
  UNWIND pairs AS pair
  WITH pair[0] AS state, collect(pair[1]) AS ids
  ORDER BY size(ids) DESC, state
  RETURN collect(state + ' (' + toString(size(ids)) + ' items, e.g. ' + ids[0] + ')') AS described
}
RETURN size(items) AS count, described[0..$examples] AS examples
