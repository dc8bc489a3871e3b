// cardinality: one
// For each scope of $scopes ({doneStages, start, kinds, flowTypes}): per done stage, the
// work items that have sat in it since before the scope's start without moving
// (currentStage, lastMovedAt: derived at ingest), of one of its kinds (labels) and flow
// types. One row {counts}: a list with one [scope's place in $scopes, stage, items] per
// scope and stage that has any. They are in that stage through the whole window and add
// only to its CFD and WIP, so they are counted here rather than loaded
// (metrics/load_visits leaves them out).
// Items nested in the scope's flow-item level (underParent, overChild: see
// metrics/load_visits) are left out, as there.
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
UNWIND scope.doneStages AS stageId
MATCH (w:WorkItem {currentStage: stageId})
WHERE w.lastMovedAt < scope.start
  AND w.flowType IN scope.flowTypes
  AND any(label IN labels(w) WHERE label IN scope.kinds)
  AND NOT (scope.underParent IS NOT NULL AND scope.underParent[0] IN labels(w)
           AND EXISTS { MATCH (p:WorkItem)-[:PARENT_OF]->(w) WHERE scope.underParent[1] IN labels(p) })
  AND NOT (scope.overChild IS NOT NULL AND scope.overChild[0] IN labels(w)
           AND EXISTS { MATCH (w)-[:PARENT_OF]->(c:WorkItem) WHERE scope.overChild[1] IN labels(c) })
WITH n, stageId, count(w) AS items
RETURN collect([n, stageId, items]) AS counts
