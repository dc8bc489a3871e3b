// cardinality: rows
// For each scope of $scopes ({stages, openStages, stageIndex, start, end, kinds,
// flowTypes}): the work items now in one of its stages (currentStage) that moved since
// its start or still sit in one of its openStages (its stages other than done ones), of
// one of its kinds (labels) and flow types, with their visits to its stages entered
// before its end. One row {n, items} per scope that has such items, n its place in
// $scopes; items: one per item, [id, kind (its label among the kinds), flowType, owner
// team (the smallest id of the teams that OWN it, or null), ids of the items it is
// BLOCKED_BY, stage indexes, entries, exits, its outcome, its tool resolution]. The last three lists run in step, one
// place per visit, in no particular order; a stage index is its place in the scope's
// stages (given as the map stageIndex); times are epoch milliseconds, an exit -1 while
// the visit is open. Owners and blockers serve the analyses of the same items
// (graph/analysis/load.py), which would otherwise look the items up again.
// The scope's flow-item level leaves nested items out: underParent [kind, parent kind]
// drops an item of that kind with a parent of the other (a Story of a Feature);
// overChild [kind, child kind] one with such a child (a Feature that has Stories);
// both null: none dropped (docs/metrics.md, Flow Items).
// Why this shape: it reads only the scopes' items and their visits, never the whole
// history of every stage (which grows with time, not with the window's activity); the
// items are looked up stage by stage (`{currentStage: stageId}`: the embedded database
// uses the index for that, not for `IN` over a list held in a variable); one row per
// scope, because the embedded database spends far more per row than per value, and a
// scope at a time (CALL), because it holds a whole aggregation in one heap budget that
// a dozen large scopes at once exceed; times as numbers, because decoding temporal
// values costs the driver more than the query costs the database. The stored values are
// naive UTC (graph/db/store.py), so they are read with timezone 'UTC', on Neo4j and the
// embedded database alike.
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
CALL (scope) {
  UNWIND scope.stages AS stageId
  MATCH (w:WorkItem {currentStage: stageId})
  WHERE (w.lastMovedAt >= scope.start OR stageId IN scope.openStages)
    AND w.flowType IN scope.flowTypes
    AND any(label IN labels(w) WHERE label IN scope.kinds)
    AND NOT (scope.underParent IS NOT NULL AND scope.underParent[0] IN labels(w)
             AND EXISTS { MATCH (p:WorkItem)-[:PARENT_OF]->(w) WHERE scope.underParent[1] IN labels(p) })
    AND NOT (scope.overChild IS NOT NULL AND scope.overChild[0] IN labels(w)
             AND EXISTS { MATCH (w)-[:PARENT_OF]->(c:WorkItem) WHERE scope.overChild[1] IN labels(c) })
  MATCH (w)-[x:IN_STAGE]->(t:Stage)
  WHERE x.enteredAt < scope.end AND t.id IN scope.stages
  WITH scope, w,
       collect(scope.stageIndex[t.id]) AS stages,
       collect(datetime({datetime: x.enteredAt, timezone: 'UTC'}).epochMillis) AS entries,
       collect(CASE WHEN x.exitedAt IS NULL THEN -1
                    ELSE datetime({datetime: x.exitedAt, timezone: 'UTC'}).epochMillis END) AS exits
  RETURN collect([
           w.id, head([label IN labels(w) WHERE label IN scope.kinds]), w.flowType,
           COLLECT { MATCH (w)<-[:OWNS]-(o:Team) RETURN o.id ORDER BY o.id LIMIT 1 }[0],
           [(w)-[:BLOCKED_BY]->(b:WorkItem) | b.id],
           stages, entries, exits, w.outcome, w.resolution
         ]) AS items
}
RETURN n, items
