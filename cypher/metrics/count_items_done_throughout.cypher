// Per done stage among $stages, the work items in it through the whole window
// [$start, $end) (entered before it, still there at its end), filtered like
// metrics/load_visits ($kinds, $flowTypes, $team): rows {stage, items}, one per such stage.
UNWIND $stages AS stageId
// No :WorkItem on w: IN_STAGE only starts at work items (graph/model.py), and checking
// the label can make the embedded database load every visiting node, not only kept ones.
MATCH (s:Stage {id: stageId})<-[v:IN_STAGE]-(w)
WHERE s.state = 'done'
  AND v.enteredAt < $start
  AND (v.exitedAt IS NULL OR v.exitedAt >= $end)
  AND w.flowType IN $flowTypes
  AND any(label IN labels(w) WHERE label IN $kinds)
  AND ($team IS NULL OR EXISTS { (w)<-[:OWNS]-(:Team {id: $team}) })
RETURN stageId AS stage, count(DISTINCT w) AS items
