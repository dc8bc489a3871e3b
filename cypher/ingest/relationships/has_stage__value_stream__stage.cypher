// cardinality: write
// Creates or updates (ValueStream)-[:HAS_STAGE]->(Stage) relationships; no rows.
// Written from the end node: the embedded database checks for an existing relationship
// by walking the first node's relationships, and the start node here has many.
UNWIND $rows AS row
MATCH (a:ValueStream {id: row.start})
MATCH (b:Stage {id: row.end})
MERGE (b)<-[r:HAS_STAGE]-(a)
SET r += row.properties
