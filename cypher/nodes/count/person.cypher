// cardinality: one
// One row {total}: how many Person nodes exist.
MATCH (n:Person)
RETURN count(n) AS total
