// cardinality: write
// Every Release has a unique id (also its lookup index).
CREATE CONSTRAINT release_id_unique IF NOT EXISTS
FOR (n:Release) REQUIRE n.id IS UNIQUE
