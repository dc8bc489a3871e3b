// cardinality: write
// Every SyncCursor (live sync bookkeeping, graph/sync/cursor.py) has a unique id.
CREATE CONSTRAINT sync_cursor_id_unique IF NOT EXISTS
FOR (n:SyncCursor) REQUIRE n.id IS UNIQUE
