// Creates or updates (Release)-[:DELIVERS]->(WorkItem) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Release {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (a)-[r:DELIVERS]->(b)
SET r += row.properties
