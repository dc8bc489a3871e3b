// cardinality: write
// Sets the state log and where each given work item is now, rows {item, expected,
// stateLog, currentStage, lastMovedAt, stageMonth, visitStages, visitEntries, visitExits}
// (docs/graph-model.md, derived properties): one row {conflicts}, how many items'
// stored log is no longer `expected`, the log the visits were derived from. Those are left as they are, and the store rolls the whole
// transaction back (a write race: another writer added facts meanwhile; ingest plans
// again from the new log).
UNWIND $rows AS row
MATCH (w:WorkItem {id: row.item})
WITH w, row, coalesce(w.stateLog, []) = row.expected AS unchanged
SET w.stateLog = CASE WHEN unchanged THEN row.stateLog ELSE w.stateLog END,
    w.currentStage = CASE WHEN unchanged THEN row.currentStage ELSE w.currentStage END,
    w.lastMovedAt = CASE WHEN unchanged THEN row.lastMovedAt ELSE w.lastMovedAt END,
    w.stageMonth = CASE WHEN unchanged THEN row.stageMonth ELSE w.stageMonth END,
    w.visitStages = CASE WHEN unchanged THEN row.visitStages ELSE w.visitStages END,
    w.visitEntries = CASE WHEN unchanged THEN row.visitEntries ELSE w.visitEntries END,
    w.visitExits = CASE WHEN unchanged THEN row.visitExits ELSE w.visitExits END
RETURN count(CASE WHEN unchanged THEN null ELSE w END) AS conflicts
