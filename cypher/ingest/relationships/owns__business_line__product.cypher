// cardinality: write
// Creates or updates (BusinessLine)-[:OWNS]->(Product) relationships; no rows.
// Written from the end node: the embedded database checks for an existing relationship
// by walking the first node's relationships, and the start node here has many.
UNWIND $rows AS row
MATCH (a:BusinessLine {id: row.start})
MATCH (b:Product {id: row.end})
MERGE (b)<-[r:OWNS]-(a)
SET r += row.properties
