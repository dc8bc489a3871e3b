// The work items now in one of the stages $stages (currentStage) that moved since $start
// or still sit in one of $openStages (its stages other than done ones), of one of the
// labels $kinds and flow types $flowTypes, with their visits to $stages entered before
// $end. One row {items}: one entry per item that has such a visit, [id, kind (its label
// among $kinds), flowType, owner team (the smallest id of the teams that OWN it, or
// null), ids of the items it is BLOCKED_BY, stage indexes, entries, exits]: the last
// three lists run in step, one place per visit, in no particular order; a stage index is
// its place in $stages (given as the map $stageIndex); times are epoch milliseconds, an
// exit -1 while the visit is open. Owners and blockers serve the analyses of the same
// items (graph/analysis_load.py), which would otherwise look the items up again.
// Why this shape: it reads only the scope's items and their visits, never the whole
// history of every stage (which grows with time, not with the window's activity);
// one row, because the embedded database spends far more per row than per value; times
// as numbers, because decoding temporal values costs the driver more than the query
// costs the database. The stored values are naive UTC (graph/store.py), so they are read
// with timezone 'UTC', on Neo4j and the embedded database alike.
MATCH (w:WorkItem)
WHERE w.currentStage IN $stages
  AND (w.lastMovedAt >= $start OR w.currentStage IN $openStages)
  AND w.flowType IN $flowTypes
  AND any(label IN labels(w) WHERE label IN $kinds)
MATCH (w)-[x:IN_STAGE]->(t:Stage)
WHERE x.enteredAt < $end AND t.id IN $stages
WITH w,
     collect($stageIndex[t.id]) AS stages,
     collect(datetime({datetime: x.enteredAt, timezone: 'UTC'}).epochMillis) AS entries,
     collect(CASE WHEN x.exitedAt IS NULL THEN -1
                  ELSE datetime({datetime: x.exitedAt, timezone: 'UTC'}).epochMillis END) AS exits
RETURN collect([
         w.id, head([label IN labels(w) WHERE label IN $kinds]), w.flowType,
         COLLECT { MATCH (w)<-[:OWNS]-(o:Team) RETURN o.id ORDER BY o.id LIMIT 1 }[0],
         [(w)-[:BLOCKED_BY]->(b:WorkItem) | b.id],
         stages, entries, exits
       ]) AS items
