// cardinality: one
// The candidates for the throughput of work item $id's descendants (PARENT_OF, up to
// four levels): those now in one of the done stages ($doneStages) of the value streams
// they are in since $start or later, of one of $kinds (labels) and $flowTypes, with
// their visit columns. One row {items}, as find_done_times_of_value_stream
// (metrics/load_visits' item shape); the flow-item level leaves nested items out the
// same way ($underParent, $overChild).
MATCH (:WorkItem {id: $id})-[:PARENT_OF*1..4]->(w:WorkItem)
WITH DISTINCT w
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
