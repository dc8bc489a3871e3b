// Creates (:Team)-[:USES]->(:Tool) relationships that cannot exist yet, because one end
// is a node this batch creates (ingest checked); no rows. CREATE, not MERGE: the
// embedded database writes it twice as fast, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:Team {id: row.start})
MATCH (b:Tool {id: row.end})
CREATE (a)-[r:USES]->(b)
SET r += row.properties
