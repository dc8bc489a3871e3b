// cardinality: write
// Every Stage has a unique id (also its lookup index).
CREATE CONSTRAINT stage_id_unique IF NOT EXISTS
FOR (n:Stage) REQUIRE n.id IS UNIQUE
