// cardinality: write
// Every Person has a unique id (also its lookup index).
CREATE CONSTRAINT person_id_unique IF NOT EXISTS
FOR (n:Person) REQUIRE n.id IS UNIQUE
