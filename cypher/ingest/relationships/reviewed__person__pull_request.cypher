// cardinality: write
// Creates or updates (Person)-[:REVIEWED]->(PullRequest) relationships; no rows.
// Written from the end node: the embedded database checks for an existing relationship
// by walking the first node's relationships, and a person reviews thousands of pull
// requests over a history (every product's) where a pull request has a few reviews.
UNWIND $rows AS row
MATCH (a:Person {id: row.start})
MATCH (b:PullRequest {id: row.end})
MERGE (b)<-[r:REVIEWED {submittedAt: row.key.submittedAt}]-(a)
SET r += row.properties
