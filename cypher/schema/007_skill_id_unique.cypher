// cardinality: write
// Every Skill has a unique id (also its lookup index).
CREATE CONSTRAINT skill_id_unique IF NOT EXISTS
FOR (n:Skill) REQUIRE n.id IS UNIQUE
