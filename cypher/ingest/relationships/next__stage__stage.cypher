// cardinality: write
// Creates or updates (Stage)-[:NEXT]->(Stage) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Stage {id: row.start})
MATCH (b:Stage {id: row.end})
MERGE (a)-[r:NEXT]->(b)
SET r += row.properties
