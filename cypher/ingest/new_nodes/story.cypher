// Creates Story work items that do not exist yet (ingest checked); no rows.
UNWIND $rows AS row
CREATE (n:WorkItem:Story {id: row.id})
SET n += row.properties
