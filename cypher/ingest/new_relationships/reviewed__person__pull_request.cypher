// cardinality: write
// Creates (:Person)-[:REVIEWED]->(:PullRequest) relationships that cannot exist yet,
// because one end is a node this batch creates (ingest checked); no rows. CREATE, not
// MERGE, and its properties written out rather than `SET r += row.properties`: the
// embedded database writes it several times faster, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:Person {id: row.start})
MATCH (b:PullRequest {id: row.end})
CREATE (a)-[:REVIEWED {submittedAt: row.key.submittedAt, state: row.properties.state}]->(b)
