// cardinality: one
// One row {total}: how many Skill nodes exist.
MATCH (n:Skill)
RETURN count(n) AS total
