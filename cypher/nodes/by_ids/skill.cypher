// cardinality: rows
// One row {key, node, labels} per given id that exists as a Skill.
UNWIND $ids AS key
MATCH (n:Skill {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
