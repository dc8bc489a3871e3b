// cardinality: rows
// Every sync walk's cursor whose id starts with $prefix, by id: one row per walk.
MATCH (c:SyncCursor)
WHERE c.id STARTS WITH $prefix
RETURN c.id AS id, c.cursor AS cursor, c.resume AS resume, c.updatedAt AS updatedAt
ORDER BY id
