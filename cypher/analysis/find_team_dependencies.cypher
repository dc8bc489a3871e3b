// cardinality: rows
// The DEPENDS_ON links from the teams $teams (ids): one row {team, on} per link.
UNWIND $teams AS id
MATCH (t:Team {id: id})-[:DEPENDS_ON]->(o:Team)
RETURN t.id AS team, o.id AS on
