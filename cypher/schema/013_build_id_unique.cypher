// cardinality: write
// Every Build has a unique id (also its lookup index).
CREATE CONSTRAINT build_id_unique IF NOT EXISTS
FOR (n:Build) REQUIRE n.id IS UNIQUE
