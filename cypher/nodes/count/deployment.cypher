// cardinality: one
// One row {total}: how many Deployment nodes exist.
MATCH (n:Deployment)
RETURN count(n) AS total
