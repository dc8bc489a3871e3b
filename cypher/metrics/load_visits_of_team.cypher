// cardinality: rows
// metrics/load_visits for team scopes ({team, stages, openStages, since, kinds,
// flowTypes, underParent, overChild}): the same rows, of the work items the team OWNS
// that are now in one of the scope's stages, other than those in a done stage since
// before `since` (the first instant of the window's first month: those load_visits
// leaves to metrics/count_resting).
// Why this shape: a team owns far fewer items than its value streams' stages hold, so
// they are found from the team; the rest is load_visits'.
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
CALL (scope) {
  MATCH (:Team {id: scope.team})-[:OWNS]->(w:WorkItem)
  WHERE w.currentStage IN scope.stages
    AND (w.currentStage IN scope.openStages OR w.lastMovedAt >= scope.since)
    AND w.flowType IN scope.flowTypes
    AND any(label IN labels(w) WHERE label IN scope.kinds)
    AND NOT (scope.underParent IS NOT NULL AND scope.underParent[0] IN labels(w)
             AND scope.underParent[1] IN coalesce(w.parentKinds, []))
    AND NOT (scope.overChild IS NOT NULL AND scope.overChild[0] IN labels(w)
             AND scope.overChild[1] IN coalesce(w.childKinds, []))
  RETURN collect([
    w.id, head([label IN labels(w) WHERE label IN scope.kinds]), w.flowType,
    COLLECT { MATCH (w)<-[:OWNS]-(o:Team) RETURN o.id ORDER BY o.id LIMIT 1 }[0],
    [(w)-[:BLOCKED_BY]->(b:WorkItem) | b.id],
    coalesce(w.visitStages, []), coalesce(w.visitEntries, []), coalesce(w.visitExits, []),
    w.outcome, w.resolution
  ]) AS items
}
RETURN n, items
