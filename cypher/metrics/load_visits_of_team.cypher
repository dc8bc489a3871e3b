// As metrics/load_visits, for the work items team $team OWNS: the items now in one of
// the stages $stages that moved since $start or still sit in one of $openStages, of one
// of the labels $kinds and flow types $flowTypes, with their visits to $stages entered
// before $end. One row {items}, each [id, kind, flowType, owner team, blockers, stage
// indexes (places in $stages, given as $stageIndex), entries, exits (epoch ms, -1 while
// open)].
// Starts from the team: its items are fewer than those of the stages it works in.
MATCH (:Team {id: $team})-[:OWNS]->(w:WorkItem)
WHERE w.currentStage IN $stages
  AND (w.lastMovedAt >= $start OR w.currentStage IN $openStages)
  AND w.flowType IN $flowTypes
  AND any(label IN labels(w) WHERE label IN $kinds)
MATCH (w)-[x:IN_STAGE]->(t:Stage)
WHERE x.enteredAt < $end AND t.id IN $stages
WITH w,
     collect($stageIndex[t.id]) AS stages,
     collect(datetime({datetime: x.enteredAt, timezone: 'UTC'}).epochMillis) AS entries,
     collect(CASE WHEN x.exitedAt IS NULL THEN -1
                  ELSE datetime({datetime: x.exitedAt, timezone: 'UTC'}).epochMillis END) AS exits
RETURN collect([
         w.id, head([label IN labels(w) WHERE label IN $kinds]), w.flowType,
         COLLECT { MATCH (w)<-[:OWNS]-(o:Team) RETURN o.id ORDER BY o.id LIMIT 1 }[0],
         [(w)-[:BLOCKED_BY]->(b:WorkItem) | b.id],
         stages, entries, exits
       ]) AS items
