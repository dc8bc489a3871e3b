// cardinality: one
// One row {total}: how many Feedback nodes exist.
MATCH (n:Feedback)
RETURN count(n) AS total
