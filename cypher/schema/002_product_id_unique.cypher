// cardinality: write
// Every Product has a unique id (also its lookup index).
CREATE CONSTRAINT product_id_unique IF NOT EXISTS
FOR (n:Product) REQUIRE n.id IS UNIQUE
