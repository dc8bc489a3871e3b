// cardinality: one
// Every commit of the repository with its parents: one row {commits}, a list with one
// [id, parent ids] per commit (one row, not one per commit: the embedded database spends
// far more per row than per value, and a repository holds tens of thousands of commits).
MATCH (:Repository {id: $repository})<-[:IN_REPO]-(c:Commit)
OPTIONAL MATCH (c)-[:PARENT]->(p:Commit)
WITH c, collect(p.id) AS parents
RETURN collect([c.id, parents]) AS commits
