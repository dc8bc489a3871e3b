// cardinality: one
// One row {total}: how many Release nodes exist.
MATCH (n:Release)
RETURN count(n) AS total
