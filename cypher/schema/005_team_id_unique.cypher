// cardinality: write
// Every Team has a unique id (also its lookup index).
CREATE CONSTRAINT team_id_unique IF NOT EXISTS
FOR (n:Team) REQUIRE n.id IS UNIQUE
