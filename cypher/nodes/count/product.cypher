// cardinality: one
// One row {total}: how many Product nodes exist.
MATCH (n:Product)
RETURN count(n) AS total
