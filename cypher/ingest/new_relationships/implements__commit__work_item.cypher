// cardinality: write
// Creates (:Commit)-[:IMPLEMENTS]->(:WorkItem) relationships that cannot exist yet,
// because one end is a node this batch creates (ingest checked); no rows. CREATE, not
// MERGE, and its properties written out rather than `SET r += row.properties`: the
// embedded database writes it several times faster, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:Commit {id: row.start})
MATCH (b:WorkItem {id: row.end})
CREATE (a)-[:IMPLEMENTS {inferred: row.properties.inferred}]->(b)
