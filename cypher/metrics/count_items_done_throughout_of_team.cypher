// As metrics/count_items_done_throughout, for the work items team $team OWNS: per done
// stage among $doneStages, its items that have sat in it since before $start without
// moving, of one of the labels $kinds and flow types $flowTypes: rows {stage, items}.
MATCH (:Team {id: $team})-[:OWNS]->(w:WorkItem)
WHERE w.currentStage IN $doneStages
  AND w.lastMovedAt < $start
  AND w.flowType IN $flowTypes
  AND any(label IN labels(w) WHERE label IN $kinds)
RETURN w.currentStage AS stage, count(w) AS items
