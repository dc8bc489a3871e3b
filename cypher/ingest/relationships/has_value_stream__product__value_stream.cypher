// cardinality: write
// Creates or updates (Product)-[:HAS_VALUE_STREAM]->(ValueStream) relationships; no rows.
// Written from the end node: the embedded database checks for an existing relationship
// by walking the first node's relationships, and the start node here has many.
UNWIND $rows AS row
MATCH (a:Product {id: row.start})
MATCH (b:ValueStream {id: row.end})
MERGE (b)<-[r:HAS_VALUE_STREAM]-(a)
SET r += row.properties
