// cardinality: one
// One row {total}: how many Build nodes exist.
MATCH (n:Build)
RETURN count(n) AS total
