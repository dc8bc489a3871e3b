// cardinality: write
// Every Tool has a unique id (also its lookup index).
CREATE CONSTRAINT tool_id_unique IF NOT EXISTS
FOR (n:Tool) REQUIRE n.id IS UNIQUE
