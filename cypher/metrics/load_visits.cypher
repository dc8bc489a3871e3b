// cardinality: rows
// For each scope of $scopes ({openStages, doneMonths, kinds, flowTypes, underParent,
// overChild}): the work items of the window, of one of its kinds (labels) and flow
// types. One row {n, items} per scope that has such items, n its place in $scopes;
// items: one per item, [id, kind (its label among the kinds), flowType, owner team (the
// smallest id of the teams that OWN it, or null), ids of the items it is BLOCKED_BY,
// visitStages, visitEntries, visitExits, its outcome, its tool resolution]: the visit
// columns run in step, one place per visit of the item (to any stage, at any time: the
// caller keeps the scope's stages and the window's), times in epoch milliseconds, an
// exit -1 while the visit is open.
// The window's items: those now in one of its openStages (the stages other than done
// ones: any of them may be in the window), and those now in a done stage that they
// entered in one of the doneMonths ("<stage id>@<yyyy-mm>", graph/model.py STAGE_MONTH:
// the months from the window's start until now). The items resting in a done stage
// since before those months are not read: metrics/count_resting counts them when a
// done stage's count is asked for (its WIP, its CFD band).
// Owners and blockers serve the analyses of the same items (graph/analysis/load.py),
// which would otherwise look the items up again.
// The scope's flow-item level leaves nested items out: underParent [kind, parent kind]
// drops an item of that kind with a parent of the other (a Story of a Feature);
// overChild [kind, child kind] one with such a child (a Feature that has Stories);
// both null: none dropped (docs/metrics.md, Flow Items). The item's own parentKinds
// and childKinds answer both (graph/ingest/families.py): a traversal per item cost the
// largest stream's read at 1,000,000 work items half its time.
// Why this shape: it reads only the window's items, never the whole history of a done
// stage (at 1,000,000 work items the largest stream's done stage holds 99,000 items, 23,000
// of them moved in the last 90 days); the visits come from the item's own columns
// (docs/graph-model.md, derived properties), not its IN_STAGE relationships; the items
// are looked up key by key (the embedded database uses the index for `{currentStage:
// id}`, not for `IN` over a list held in a variable); one row per scope, because the
// embedded database spends far more per row than per value, and a scope at a time
// (CALL), because it holds a whole aggregation in one heap budget that a dozen large
// scopes at once exceed.
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
CALL (scope) {
  CALL (scope) {
    UNWIND scope.openStages AS stageId
    MATCH (w:WorkItem {currentStage: stageId})
    RETURN w
    UNION ALL
    UNWIND scope.doneMonths AS key
    MATCH (w:WorkItem {stageMonth: key})
    RETURN w
  }
  WITH scope, w
  WHERE w.flowType IN scope.flowTypes
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
