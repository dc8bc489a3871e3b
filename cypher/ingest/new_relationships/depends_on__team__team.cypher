// Creates (:Team)-[:DEPENDS_ON]->(:Team) relationships that cannot exist yet, because one end
// is a node this batch creates (ingest checked); no rows. CREATE, not MERGE: the
// embedded database writes it twice as fast, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:Team {id: row.start})
MATCH (b:Team {id: row.end})
CREATE (a)-[r:DEPENDS_ON]->(b)
SET r += row.properties
