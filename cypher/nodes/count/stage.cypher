// cardinality: one
// One row {total}: how many Stage nodes exist.
MATCH (n:Stage)
RETURN count(n) AS total
