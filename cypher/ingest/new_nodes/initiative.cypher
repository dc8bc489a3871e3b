// Creates Initiative work items that do not exist yet (ingest checked); no rows.
UNWIND $rows AS row
CREATE (n:WorkItem:Initiative {id: row.id})
SET n += row.properties
