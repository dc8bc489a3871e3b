// cardinality: write
// Creates (:WorkItem)-[:IN_STAGE]->(:Stage) relationships that cannot exist yet, because
// one end is a node this batch creates (ingest checked); no rows. CREATE, not MERGE, and
// its properties written out rather than `SET r += row.properties`: the embedded
// database writes it several times faster, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:WorkItem {id: row.start})
MATCH (b:Stage {id: row.end})
CREATE (a)-[:IN_STAGE {enteredAt: row.key.enteredAt, exitedAt: row.properties.exitedAt}]->(b)
