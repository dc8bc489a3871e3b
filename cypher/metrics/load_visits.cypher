// The work items that moved in the window [$start, $end) or were in a stage other than a
// done one during it, among the stages $stages; optionally only items owned by team
// $team; of one of the labels $kinds and flow types $flowTypes. One row per item:
// {item, labels, flowType, visits}: its visits to $stages entered before $end, each as
// [stage id, enteredAt, exitedAt] in epoch milliseconds (exitedAt null while open;
// lists, not three collects, because collect() drops nulls), in no particular order.
// Times go out as numbers because decoding temporal values costs the driver more than
// the query costs the database (measured on 4,000 items with 37,000 visits: 1.2 s of
// client CPU as datetimes, 0.4 s as numbers); the stored values are naive UTC
// (graph/store.py), so they are read with timezone 'UTC', on Neo4j and ArcadeDB alike.
// Items resting in a done stage through the whole window are left out: they are counted
// by metrics/count_items_done_throughout.
UNWIND $stages AS stageId
// No :WorkItem on w: IN_STAGE only starts at work items (graph/model.py), and checking
// the label can make the embedded database load every visiting node, not only kept ones.
MATCH (s:Stage {id: stageId})<-[v:IN_STAGE]-(w)
WHERE v.enteredAt < $end
  AND (v.exitedAt IS NULL OR v.exitedAt >= $start)
  AND NOT (s.state = 'done' AND v.enteredAt < $start AND (v.exitedAt IS NULL OR v.exitedAt >= $end))
WITH DISTINCT w
WHERE w.flowType IN $flowTypes
  AND any(label IN labels(w) WHERE label IN $kinds)
  AND ($team IS NULL OR EXISTS { (w)<-[:OWNS]-(:Team {id: $team}) })
MATCH (w)-[x:IN_STAGE]->(t:Stage)
WHERE x.enteredAt < $end AND t.id IN $stages
RETURN w.id AS item, labels(w) AS labels, w.flowType AS flowType,
       collect([
         t.id,
         datetime({datetime: x.enteredAt, timezone: 'UTC'}).epochMillis,
         CASE WHEN x.exitedAt IS NULL THEN null
              ELSE datetime({datetime: x.exitedAt, timezone: 'UTC'}).epochMillis END
       ]) AS visits
