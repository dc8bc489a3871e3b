// Creates or updates (Product)-[:HAS_VALUE_STREAM]->(ValueStream) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Product {id: row.start})
MATCH (b:ValueStream {id: row.end})
MERGE (a)-[r:HAS_VALUE_STREAM]->(b)
SET r += row.properties
