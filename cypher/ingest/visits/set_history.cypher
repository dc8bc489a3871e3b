// Sets the state log and where each given work item is now, rows {item, stateLog,
// currentStage, lastMovedAt} (docs/graph-model.md, derived properties); no rows.
UNWIND $rows AS row
MATCH (w:WorkItem {id: row.item})
SET w.stateLog = row.stateLog, w.currentStage = row.currentStage,
    w.lastMovedAt = row.lastMovedAt
