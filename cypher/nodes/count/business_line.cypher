// cardinality: one
// One row {total}: how many BusinessLine nodes exist.
MATCH (n:BusinessLine)
RETURN count(n) AS total
