// Creates (:Commit)-[:IN_REPO]->(:Repository) relationships that cannot exist yet, because one end
// is a node this batch creates (ingest checked); no rows. CREATE, not MERGE: the
// embedded database writes it twice as fast, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:Commit {id: row.start})
MATCH (b:Repository {id: row.end})
CREATE (a)-[r:IN_REPO]->(b)
SET r += row.properties
