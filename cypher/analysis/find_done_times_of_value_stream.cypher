// cardinality: one
// The candidates for a value stream's throughput: its work items now in one of its done
// stages since $start or later (the entry into the done stage they are still in), found
// by $doneMonths (the done stages' "<stage id>@<yyyy-mm>" keys from $start's month on:
// graph/model.py STAGE_MONTH, not the stages' whole history), of one of $kinds (labels)
// and $flowTypes, with their visit columns (every visit: the caller keeps those to the
// stream's stages entered before the window's end).
// One row {items}, a list in metrics/load_visits' item shape (id, kind, flowType, owner
// team, blockers, visit stage ids, entries, exits in epoch milliseconds, -1 while open,
// outcome, resolution), so that the flow metrics' own rules (graph/metrics/flow.py: done time, discarded outcomes) decide
// which were delivered in the window. The flow-item level leaves nested items out as
// load_visits does: $underParent [kind, parent kind], $overChild [kind, child kind].
UNWIND $doneMonths AS key
MATCH (w:WorkItem {stageMonth: key})
WHERE w.lastMovedAt >= $start
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
