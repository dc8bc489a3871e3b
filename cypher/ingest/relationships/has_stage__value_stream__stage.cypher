// Creates or updates (ValueStream)-[:HAS_STAGE]->(Stage) relationships; no rows.
UNWIND $rows AS row
MATCH (a:ValueStream {id: row.start})
MATCH (b:Stage {id: row.end})
MERGE (a)-[r:HAS_STAGE]->(b)
SET r += row.properties
