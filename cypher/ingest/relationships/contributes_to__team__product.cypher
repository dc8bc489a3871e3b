// cardinality: write
// Creates or updates (Team)-[:CONTRIBUTES_TO]->(Product) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Team {id: row.start})
MATCH (b:Product {id: row.end})
MERGE (a)-[r:CONTRIBUTES_TO]->(b)
SET r += row.properties
