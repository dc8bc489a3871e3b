// cardinality: rows
// For each scope of $scopes ({stages, openStages, start, kinds, flowTypes, underParent,
// overChild}): the work items now in one of its stages (currentStage), of one of its
// kinds (labels) and flow types, in one pass that splits them two ways. One row
// {n, stages} per scope that has such items, n its place in $scopes; stages: one entry
// [stage id, resting, items] per stage with items:
// - resting: how many items sit in it since before the scope's start, it being one of
//   the scope's stages other than its openStages (a done stage). They rest there through
//   the whole window, so they are counted, not loaded;
// - items: the others, one per item, [id, kind (its label among the kinds), flowType,
//   owner team (the smallest id of the teams that OWN it, or null), ids of the items it
//   is BLOCKED_BY, visitStages, visitEntries, visitExits, its outcome, its tool
//   resolution]: the visit columns run in step, one place per visit of the item (to any
//   stage, at any time: the caller keeps the scope's stages and the window's),
//   times in epoch milliseconds, an exit -1 while the visit is open.
// Owners and blockers serve the analyses of the same items (graph/analysis/load.py),
// which would otherwise look the items up again.
// The scope's flow-item level leaves nested items out: underParent [kind, parent kind]
// drops an item of that kind with a parent of the other (a Story of a Feature);
// overChild [kind, child kind] one with such a child (a Feature that has Stories);
// both null: none dropped (docs/metrics.md, Flow Items).
// Why this shape: it reads only the scopes' items, never the whole history of every
// stage; the visits come from the item's own columns (docs/graph-model.md, derived
// properties), not its IN_STAGE relationships, and the resting items are counted in the
// same pass over the stage's items that finds the moving ones (a third of the cost of
// walking the relationships and reading the done stages twice, at 1,000,000 items); the
// items are looked up stage by stage (`{currentStage: stageId}`: the embedded database
// uses the index for that, not for `IN` over a list held in a variable); one row per
// scope, because the embedded database spends far more per row than per value, and a
// scope at a time (CALL), because it holds a whole aggregation in one heap budget that a
// dozen large scopes at once exceed.
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
CALL (scope) {
  UNWIND scope.stages AS stageId
  MATCH (w:WorkItem {currentStage: stageId})
  WHERE w.flowType IN scope.flowTypes
    AND any(label IN labels(w) WHERE label IN scope.kinds)
    AND NOT (scope.underParent IS NOT NULL AND scope.underParent[0] IN labels(w)
             AND EXISTS { MATCH (p:WorkItem)-[:PARENT_OF]->(w) WHERE scope.underParent[1] IN labels(p) })
    AND NOT (scope.overChild IS NOT NULL AND scope.overChild[0] IN labels(w)
             AND EXISTS { MATCH (w)-[:PARENT_OF]->(c:WorkItem) WHERE scope.overChild[1] IN labels(c) })
  WITH scope, stageId, w,
       w.lastMovedAt < scope.start AND NOT stageId IN scope.openStages AS resting
  WITH stageId, count(CASE WHEN resting THEN w END) AS resting,
       collect(CASE WHEN resting THEN null ELSE [
         w.id, head([label IN labels(w) WHERE label IN scope.kinds]), w.flowType,
         COLLECT { MATCH (w)<-[:OWNS]-(o:Team) RETURN o.id ORDER BY o.id LIMIT 1 }[0],
         [(w)-[:BLOCKED_BY]->(b:WorkItem) | b.id],
         coalesce(w.visitStages, []), coalesce(w.visitEntries, []), coalesce(w.visitExits, []),
         w.outcome, w.resolution
       ] END) AS items
  RETURN collect([stageId, resting, items]) AS stages
}
RETURN n, stages
