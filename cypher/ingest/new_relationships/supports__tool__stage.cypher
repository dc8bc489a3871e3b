// Creates (:Tool)-[:SUPPORTS]->(:Stage) relationships that cannot exist yet, because one end
// is a node this batch creates (ingest checked); no rows. CREATE, not MERGE: the
// embedded database writes it twice as fast, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:Tool {id: row.start})
MATCH (b:Stage {id: row.end})
CREATE (a)-[r:SUPPORTS]->(b)
SET r += row.properties
