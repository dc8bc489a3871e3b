// cardinality: write
// Creates or updates (Build)-[:BUILT]->(Commit) relationships; no rows.
UNWIND $rows AS row
MATCH (a:Build {id: row.start})
MATCH (b:Commit {id: row.end})
MERGE (a)-[r:BUILT]->(b)
SET r += row.properties
