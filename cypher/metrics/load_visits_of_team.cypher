// cardinality: rows
// As metrics/load_visits, for scopes of teams ($scopes, each with its team): the items
// the team OWNS now in one of the scope's stages that moved since its start or still sit
// in one of its openStages, of one of its kinds and flow types, with their visits to its
// stages entered before its end. One row {n, items} per scope that has such items (n
// its place in $scopes), each item [id, kind, flowType, owner team, blockers, stage
// indexes (places in the scope's stages, given as its stageIndex), entries, exits
// (epoch ms, -1 while open), outcome, resolution]; nested items left out as there. Starts from the team: its items are fewer than those of
// the stages it works in.
UNWIND range(0, size($scopes) - 1) AS n
WITH n, $scopes[n] AS scope
CALL (scope) {
  MATCH (:Team {id: scope.team})-[:OWNS]->(w:WorkItem)
  WHERE w.currentStage IN scope.stages
    AND (w.lastMovedAt >= scope.start OR w.currentStage IN scope.openStages)
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
