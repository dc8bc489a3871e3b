// Creates (:WorkItem)-[:BLOCKED_BY]->(:WorkItem) relationships that cannot exist yet, because one end
// is a node this batch creates (ingest checked); no rows. CREATE, not MERGE: the
// embedded database writes it twice as fast, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:WorkItem {id: row.start})
MATCH (b:WorkItem {id: row.end})
CREATE (a)-[r:BLOCKED_BY]->(b)
SET r += row.properties
