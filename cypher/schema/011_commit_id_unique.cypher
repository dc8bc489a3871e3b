// cardinality: write
// Every Commit has a unique id (also its lookup index).
CREATE CONSTRAINT commit_id_unique IF NOT EXISTS
FOR (n:Commit) REQUIRE n.id IS UNIQUE
