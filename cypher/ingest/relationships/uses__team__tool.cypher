// cardinality: write
// Creates or updates (Team)-[:USES]->(Tool) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Team {id: row.start})
MATCH (b:Tool {id: row.end})
MERGE (a)-[r:USES]->(b)
SET r += row.properties
