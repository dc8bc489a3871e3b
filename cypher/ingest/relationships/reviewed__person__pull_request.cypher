// Creates or updates (Person)-[:REVIEWED]->(PullRequest) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Person {id: row.start})
MATCH (b:PullRequest {id: row.end})
MERGE (a)-[r:REVIEWED {submittedAt: row.key.submittedAt}]->(b)
SET r += row.properties
