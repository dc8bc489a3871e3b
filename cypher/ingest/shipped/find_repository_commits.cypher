// Every commit of the repository with its parents: rows {id, parents}, one per commit.
MATCH (:Repository {id: $repository})<-[:IN_REPO]-(c:Commit)
OPTIONAL MATCH (c)-[:PARENT]->(p:Commit)
RETURN c.id AS id, collect(p.id) AS parents
