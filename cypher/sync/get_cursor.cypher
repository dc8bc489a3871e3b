// cardinality: one
// The stored position of one sync walk (e.g. `github:acme/payments:pulls`): 0 or 1 row.
MATCH (c:SyncCursor {id: $id})
RETURN c.cursor AS cursor, c.resume AS resume, c.mark AS mark, c.pending AS pending,
       c.updatedAt AS updatedAt
