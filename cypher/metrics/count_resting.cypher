// cardinality: rows
// For each scope of $scopes ({doneStages, since, kinds, flowTypes, underParent,
// overChild}, as metrics/load_visits takes them): the work items that have rested in one
// of its done stages since before `since` (the first instant of the window's first
// month: the items metrics/load_visits does not read), of one of its kinds and flow
// types, the flow-item level's nested items left out as there. One row {n, stages} per
// scope that has such items; stages: [stage id, how many] per done stage with any.
// Only a done stage's count needs them (its WIP, its CFD band: they sit there through
// the whole window); the other flow metrics and the analyses never run this.
// Why this shape: counted, not loaded; through the currentStage index, a stage at a time.
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
CALL (scope) {
  UNWIND scope.doneStages AS stageId
  MATCH (w:WorkItem {currentStage: stageId})
  WHERE w.lastMovedAt < scope.since
    AND w.flowType IN scope.flowTypes
    AND any(label IN labels(w) WHERE label IN scope.kinds)
    AND NOT (scope.underParent IS NOT NULL AND scope.underParent[0] IN labels(w)
             AND scope.underParent[1] IN coalesce(w.parentKinds, []))
    AND NOT (scope.overChild IS NOT NULL AND scope.overChild[0] IN labels(w)
             AND scope.overChild[1] IN coalesce(w.childKinds, []))
  WITH stageId, count(w) AS resting
  RETURN collect([stageId, resting]) AS stages
}
RETURN n, stages
