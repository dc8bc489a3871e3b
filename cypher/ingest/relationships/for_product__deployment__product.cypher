// cardinality: write
// Creates or updates (Deployment)-[:FOR_PRODUCT]->(Product) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Deployment {id: row.start})
MATCH (b:Product {id: row.end})
MERGE (a)-[r:FOR_PRODUCT]->(b)
SET r += row.properties
