// For each given PullRequest id, the related nodes in order: rows {key, node, labels, rel}.
UNWIND $ids AS key
MATCH (p:PullRequest {id: key})
MATCH (p)-[r:MERGED_AS]->(n:Commit)
RETURN key, n {.*} AS node, labels(n) AS labels, properties(r) AS rel
ORDER BY key, n.id
