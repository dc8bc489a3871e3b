// cardinality: write
// Creates or moves one sync walk's cursor (a null value removes that property): 1 row.
MERGE (c:SyncCursor {id: $id})
SET c.source = $source,
    c.cursor = $cursor,
    c.resume = $resume,
    c.mark = $mark,
    c.pending = $pending,
    c.updatedAt = $updatedAt
RETURN c.id AS id
