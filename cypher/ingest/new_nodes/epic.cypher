// Creates Epic work items that do not exist yet (ingest checked); no rows.
UNWIND $rows AS row
CREATE (n:WorkItem:Epic {id: row.id})
SET n += row.properties
