// cardinality: write
// Every WorkItem has a unique id (also its lookup index).
CREATE CONSTRAINT work_item_id_unique IF NOT EXISTS
FOR (n:WorkItem) REQUIRE n.id IS UNIQUE
