// cardinality: one
// One row {total}: how many Incident nodes exist.
MATCH (n:Incident)
RETURN count(n) AS total
