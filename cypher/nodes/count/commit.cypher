// cardinality: one
// One row {total}: how many Commit nodes exist.
MATCH (n:Commit)
RETURN count(n) AS total
