// cardinality: write
// Every Deployment has a unique id (also its lookup index).
CREATE CONSTRAINT deployment_id_unique IF NOT EXISTS
FOR (n:Deployment) REQUIRE n.id IS UNIQUE
