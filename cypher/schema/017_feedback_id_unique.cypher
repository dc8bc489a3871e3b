// cardinality: write
// Every Feedback has a unique id (also its lookup index).
CREATE CONSTRAINT feedback_id_unique IF NOT EXISTS
FOR (n:Feedback) REQUIRE n.id IS UNIQUE
