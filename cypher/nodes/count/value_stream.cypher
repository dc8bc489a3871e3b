// cardinality: one
// One row {total}: how many ValueStream nodes exist.
MATCH (n:ValueStream)
RETURN count(n) AS total
