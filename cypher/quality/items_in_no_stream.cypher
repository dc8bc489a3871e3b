// cardinality: one
// Work items that have a product and state changes, but sit in no stage now
// (currentStage): their product has no value stream with stages, or none of their facts
// mapped. They are in no flow metric. One row {count, examples} (up to $examples ids).
MATCH (w:WorkItem)
WHERE w.stateLog IS NOT NULL AND size(w.stateLog) > 0 AND w.currentStage IS NULL
  AND EXISTS { (w)-[:FOR_PRODUCT]->(:Product) }
WITH w ORDER BY w.id
RETURN count(w) AS count, collect(w.id)[0..$examples] AS examples
