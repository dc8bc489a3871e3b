// cardinality: one
// Work items that no FOR_PRODUCT links to a product: their state changes cannot be
// mapped to stages, so they are in no value stream's metrics. One row {count, examples}
// (up to $examples ids).
MATCH (w:WorkItem)
WHERE NOT EXISTS { (w)-[:FOR_PRODUCT]->(:Product) }
WITH w ORDER BY w.id
RETURN count(w) AS count, collect(w.id)[0..$examples] AS examples
