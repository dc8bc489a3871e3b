// cardinality: write
// Pending records by the node they wait for (`Label:id`): an ingest that creates nodes
// finds the records it completes through it.
CREATE INDEX pending_waits_for IF NOT EXISTS
FOR (n:Pending) ON (n.waitsFor)
