// cardinality: write
// Creates or updates (Incident)-[:AFFECTS]->(Product) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Incident {id: row.start})
MATCH (b:Product {id: row.end})
MERGE (a)-[r:AFFECTS]->(b)
SET r += row.properties
