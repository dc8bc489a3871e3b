// cardinality: rows
// metrics/count_resting for team scopes ({team, doneStages, since, kinds, flowTypes,
// underParent, overChild}): the same rows, of the work items the team OWNS.
// Why this shape: found from the team, as metrics/load_visits_of_team finds them.
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
CALL (scope) {
  MATCH (:Team {id: scope.team})-[:OWNS]->(w:WorkItem)
  WHERE w.currentStage IN scope.doneStages
    AND w.lastMovedAt < scope.since
    AND w.flowType IN scope.flowTypes
    AND any(label IN labels(w) WHERE label IN scope.kinds)
    AND NOT (scope.underParent IS NOT NULL AND scope.underParent[0] IN labels(w)
             AND scope.underParent[1] IN coalesce(w.parentKinds, []))
    AND NOT (scope.overChild IS NOT NULL AND scope.overChild[0] IN labels(w)
             AND scope.overChild[1] IN coalesce(w.childKinds, []))
  WITH w.currentStage AS stageId, count(w) AS resting
  RETURN collect([stageId, resting]) AS stages
}
RETURN n, stages
