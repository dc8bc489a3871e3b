// cardinality: write
// Every Repository has a unique id (also its lookup index).
CREATE CONSTRAINT repository_id_unique IF NOT EXISTS
FOR (n:Repository) REQUIRE n.id IS UNIQUE
