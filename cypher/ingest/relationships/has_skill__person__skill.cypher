// cardinality: write
// Creates or updates (Person)-[:HAS_SKILL]->(Skill) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Person {id: row.start})
MATCH (b:Skill {id: row.end})
MERGE (a)-[r:HAS_SKILL]->(b)
SET r += row.properties
