// cardinality: write
// Every BusinessLine has a unique id (also its lookup index).
CREATE CONSTRAINT business_line_id_unique IF NOT EXISTS
FOR (n:BusinessLine) REQUIRE n.id IS UNIQUE
