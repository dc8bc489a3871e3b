// Creates (:Product)-[:HAS_VALUE_STREAM]->(:ValueStream) relationships that cannot exist yet, because one end
// is a node this batch creates (ingest checked); no rows. CREATE, not MERGE: the
// embedded database writes it twice as fast, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:Product {id: row.start})
MATCH (b:ValueStream {id: row.end})
CREATE (a)-[r:HAS_VALUE_STREAM]->(b)
SET r += row.properties
