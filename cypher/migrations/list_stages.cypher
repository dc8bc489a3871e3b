// cardinality: one
// Every stage's id: one row {stages}, a list (empty when there is none).
// Why this shape: a migration walks the work items stage by stage through the
// currentStage index, instead of scanning every work item once per chunk.
MATCH (s:Stage)
RETURN collect(s.id) AS stages
