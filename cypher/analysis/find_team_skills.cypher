// cardinality: rows
// The skills of the members of the teams $teams (ids): one row {team, person, skill,
// level} per (team, member, HAS_SKILL); members with no skill give one row with a null
// skill and level.
UNWIND $teams AS id
MATCH (t:Team {id: id})<-[:MEMBER_OF]-(p:Person)
OPTIONAL MATCH (p)-[h:HAS_SKILL]->(k:Skill)
RETURN t.id AS team, p.id AS person, k.id AS skill, h.level AS level
ORDER BY team, person, skill
