// cardinality: write
// Every Pending (a record waiting for a node, graph/ingest/pending.py) has a unique id:
// the digest of its record, so the same record kept twice is one node.
CREATE CONSTRAINT pending_id_unique IF NOT EXISTS
FOR (n:Pending) REQUIRE n.id IS UNIQUE
