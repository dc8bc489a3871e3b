// Builds of any of the given commits: rows {node, labels}, oldest first.
UNWIND $commits AS commitId
MATCH (:Commit {id: commitId})<-[:BUILT]-(b:Build)
WITH DISTINCT b
RETURN b {.*} AS node, labels(b) AS labels
ORDER BY b.startedAt, b.id
