// cardinality: one
// One row {total}: how many records wait for a node (Pending).
MATCH (p:Pending)
RETURN count(p) AS total
