// cardinality: write
// Every ValueStream has a unique id (also its lookup index).
CREATE CONSTRAINT value_stream_id_unique IF NOT EXISTS
FOR (n:ValueStream) REQUIRE n.id IS UNIQUE
