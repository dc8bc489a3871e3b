// As metrics/count_items_done_throughout, for scopes of teams ($scopes, each with its
// team): per done stage, the items the team OWNS that have sat in it since before the
// scope's start without moving, of one of its kinds and flow types. One row {counts}, a
// list of [scope's place in $scopes, stage, items].
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
MATCH (:Team {id: scope.team})-[:OWNS]->(w:WorkItem)
WHERE w.currentStage IN scope.doneStages
  AND w.lastMovedAt < scope.start
  AND w.flowType IN scope.flowTypes
  AND any(label IN labels(w) WHERE label IN scope.kinds)
WITH n, w.currentStage AS stageId, count(w) AS items
RETURN collect([n, stageId, items]) AS counts
