// cardinality: write
// Creates or updates (Feedback)-[:ABOUT]->(Product) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Feedback {id: row.start})
MATCH (b:Product {id: row.end})
MERGE (a)-[r:ABOUT]->(b)
SET r += row.properties
