// cardinality: write
// Creates (:PullRequest)-[:CONTAINS]->(:Commit) relationships that cannot exist yet,
// because one end is a node this batch creates (ingest checked); no rows. CREATE, not
// MERGE, and no `SET r += row.properties` (the type has no properties): the embedded
// database writes it several times faster, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:PullRequest {id: row.start})
MATCH (b:Commit {id: row.end})
CREATE (a)-[:CONTAINS]->(b)
