// cardinality: one
// As metrics/count_items_done_throughout, for scopes of teams ($scopes, each with its
// team): per done stage, the items the team OWNS that have sat in it since before the
// scope's start without moving, of one of its kinds and flow types. One row {counts}, a
// list of [scope's place in $scopes, stage, items].
// Items nested in the scope's flow-item level (underParent, overChild: see
// metrics/load_visits) are left out, as there.
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
MATCH (:Team {id: scope.team})-[:OWNS]->(w:WorkItem)
WHERE w.currentStage IN scope.doneStages
  AND w.lastMovedAt < scope.start
  AND w.flowType IN scope.flowTypes
  AND any(label IN labels(w) WHERE label IN scope.kinds)
  AND NOT (scope.underParent IS NOT NULL AND scope.underParent[0] IN labels(w)
           AND EXISTS { MATCH (p:WorkItem)-[:PARENT_OF]->(w) WHERE scope.underParent[1] IN labels(p) })
  AND NOT (scope.overChild IS NOT NULL AND scope.overChild[0] IN labels(w)
           AND EXISTS { MATCH (w)-[:PARENT_OF]->(c:WorkItem) WHERE scope.overChild[1] IN labels(c) })
WITH n, w.currentStage AS stageId, count(w) AS items
RETURN collect([n, stageId, items]) AS counts
