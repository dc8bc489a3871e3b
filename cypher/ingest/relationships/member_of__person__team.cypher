// cardinality: write
// Creates or updates (Person)-[:MEMBER_OF]->(Team) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Person {id: row.start})
MATCH (b:Team {id: row.end})
MERGE (a)-[r:MEMBER_OF]->(b)
SET r += row.properties
