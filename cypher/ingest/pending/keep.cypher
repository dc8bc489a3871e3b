// cardinality: write
// Keeps records that wait for a node, rows {id, waitsFor, record}; no rows. The same
// record kept again is the same node (its id is the record's digest): it now waits for
// the given node, and keeps the time it was first kept.
UNWIND $rows AS row
MERGE (p:Pending {id: row.id})
ON CREATE SET p.since = $now
SET p.waitsFor = row.waitsFor, p.record = row.record
