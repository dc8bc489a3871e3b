// cardinality: one
// Work items now in a done stage that were never in an active or waiting stage: counted
// in velocity (unless discarded) but without a flow time, so velocity and flow time
// describe different sets. One row {count, examples} (up to $examples ids).
MATCH (s:Stage {state: 'done'})
MATCH (w:WorkItem {currentStage: s.id})
WHERE NOT EXISTS { (w)-[:IN_STAGE]->(t:Stage) WHERE t.state IN ['active', 'waiting'] }
WITH w ORDER BY w.id
RETURN count(w) AS count, collect(w.id)[0..$examples] AS examples
