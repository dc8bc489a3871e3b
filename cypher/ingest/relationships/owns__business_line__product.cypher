// Creates or updates (BusinessLine)-[:OWNS]->(Product) relationships; no rows.
UNWIND $rows AS row
MATCH (a:BusinessLine {id: row.start})
MATCH (b:Product {id: row.end})
MERGE (a)-[r:OWNS]->(b)
SET r += row.properties
