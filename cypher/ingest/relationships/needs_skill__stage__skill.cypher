// cardinality: write
// Creates or updates (Stage)-[:NEEDS_SKILL]->(Skill) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Stage {id: row.start})
MATCH (b:Skill {id: row.end})
MERGE (a)-[r:NEEDS_SKILL]->(b)
SET r += row.properties
