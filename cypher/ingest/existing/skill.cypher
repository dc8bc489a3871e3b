// cardinality: rows
// One row {id} per given id that exists as a Skill.
UNWIND $ids AS id
MATCH (n:Skill {id: id})
RETURN n.id AS id
