// cardinality: write
// Work items by their stage and the month they last moved (derived at ingest,
// docs/graph-model.md): the flow metrics find a window's items of a done stage through it,
// a few months of them instead of every item that ever finished there.
CREATE INDEX work_item_stage_month IF NOT EXISTS
FOR (n:WorkItem) ON (n.stageMonth)
