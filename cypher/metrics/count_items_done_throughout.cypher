// Per done stage among $doneStages, the work items that have sat in it since before
// $start without moving (currentStage, lastMovedAt: derived at ingest), of one of the
// labels $kinds and flow types $flowTypes: rows {stage, items}, one per such stage that
// has any. They are in that stage through the whole window and add only to its CFD and
// WIP, so they are counted here rather than loaded (metrics/load_visits leaves them out).
MATCH (w:WorkItem)
WHERE w.currentStage IN $doneStages
  AND w.lastMovedAt < $start
  AND w.flowType IN $flowTypes
  AND any(label IN labels(w) WHERE label IN $kinds)
RETURN w.currentStage AS stage, count(w) AS items
