// cardinality: write
// Creates or updates (Team)-[:DEPENDS_ON]->(Team) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Team {id: row.start})
MATCH (b:Team {id: row.end})
MERGE (a)-[r:DEPENDS_ON]->(b)
SET r += row.properties
