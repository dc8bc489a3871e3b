// cardinality: write
// Creates or updates (Release)-[:FOR_PRODUCT]->(Product) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Release {id: row.start})
MATCH (b:Product {id: row.end})
MERGE (a)-[r:FOR_PRODUCT]->(b)
SET r += row.properties
