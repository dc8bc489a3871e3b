// cardinality: write
// Every Incident has a unique id (also its lookup index).
CREATE CONSTRAINT incident_id_unique IF NOT EXISTS
FOR (n:Incident) REQUIRE n.id IS UNIQUE
