// cardinality: one
// One row {total}: how many Team nodes exist.
MATCH (n:Team)
RETURN count(n) AS total
