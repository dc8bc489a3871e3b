// cardinality: one
// One row {total}: how many Repository nodes exist.
MATCH (n:Repository)
RETURN count(n) AS total
