// cardinality: write
// Gives up to $first work items now in stage $stage that lack it their stageMonth
// (docs/graph-model.md, derived properties): "<stage id>@<yyyy-mm>" of lastMovedAt, as
// ingest writes it (graph/model.py, stage_month). One row {items}: how many were given
// one (0: none was left in the stage).
// Why this shape: found through the currentStage index, a stage at a time, so a chunk
// does not re-read the items earlier chunks gave theirs; the month is zero-padded by
// hand (no padding function is common to Neo4j and the embedded database).
MATCH (w:WorkItem {currentStage: $stage})
WHERE w.stageMonth IS NULL AND w.lastMovedAt IS NOT NULL
WITH w LIMIT $first
SET w.stageMonth = w.currentStage + '@' + toString(w.lastMovedAt.year) + '-'
                   + CASE WHEN w.lastMovedAt.month < 10 THEN '0' ELSE '' END
                   + toString(w.lastMovedAt.month)
RETURN count(w) AS items
