// cardinality: one
// One row {total}: how many Tool nodes exist.
MATCH (n:Tool)
RETURN count(n) AS total
