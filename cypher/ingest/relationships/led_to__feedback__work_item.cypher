// Creates or updates (Feedback)-[:LED_TO]->(WorkItem) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Feedback {id: row.start})
MATCH (b:WorkItem {id: row.end})
MERGE (a)-[r:LED_TO]->(b)
SET r += row.properties
