// cardinality: write
// Work items by the stage they are in now (derived at ingest, docs/graph-model.md): the
// flow metrics find a scope's items through it instead of walking every stage visit.
CREATE INDEX work_item_current_stage IF NOT EXISTS
FOR (n:WorkItem) ON (n.currentStage)
