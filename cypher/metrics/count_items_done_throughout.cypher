// For each scope of $scopes ({doneStages, start, kinds, flowTypes}): per done stage, the
// work items that have sat in it since before the scope's start without moving
// (currentStage, lastMovedAt: derived at ingest), of one of its kinds (labels) and flow
// types. One row {counts}: a list with one [scope's place in $scopes, stage, items] per
// scope and stage that has any. They are in that stage through the whole window and add
// only to its CFD and WIP, so they are counted here rather than loaded
// (metrics/load_visits leaves them out).
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
UNWIND scope.doneStages AS stageId
MATCH (w:WorkItem {currentStage: stageId})
WHERE w.lastMovedAt < scope.start
  AND w.flowType IN scope.flowTypes
  AND any(label IN labels(w) WHERE label IN scope.kinds)
WITH n, stageId, count(w) AS items
RETURN collect([n, stageId, items]) AS counts
