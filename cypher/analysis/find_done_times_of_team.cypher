// cardinality: one
// The candidates for a team's throughput: the work items team $id OWNS now in one of the
// done stages ($doneStages) of its scope (the stages of the value streams of the products
// it contributes to, as its flow metrics) since $start or later, of one of $kinds
// (labels) and $flowTypes, with their visit columns. One row {items}, as
// find_done_times_of_value_stream (metrics/load_visits' item shape); the flow-item level
// leaves nested items out the same way ($underParent, $overChild).
MATCH (:Team {id: $id})-[:OWNS]->(w:WorkItem)
WHERE w.currentStage IN $doneStages
  AND w.lastMovedAt >= $start
  AND w.flowType IN $flowTypes
  AND any(label IN labels(w) WHERE label IN $kinds)
  AND NOT ($underParent IS NOT NULL AND $underParent[0] IN labels(w)
           AND $underParent[1] IN coalesce(w.parentKinds, []))
  AND NOT ($overChild IS NOT NULL AND $overChild[0] IN labels(w)
           AND $overChild[1] IN coalesce(w.childKinds, []))
RETURN collect([
         w.id, head([label IN labels(w) WHERE label IN $kinds]), w.flowType, null, [],
         coalesce(w.visitStages, []), coalesce(w.visitEntries, []), coalesce(w.visitExits, []),
         w.outcome, w.resolution
       ]) AS items
