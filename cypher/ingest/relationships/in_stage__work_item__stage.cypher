// cardinality: write
// Creates or updates (WorkItem)-[:IN_STAGE]->(Stage) relationships; no rows.
UNWIND $rows AS row
MATCH (a:WorkItem {id: row.start})
MATCH (b:Stage {id: row.end})
MERGE (a)-[r:IN_STAGE {enteredAt: row.key.enteredAt}]->(b)
SET r += row.properties
