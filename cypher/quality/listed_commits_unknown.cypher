// cardinality: one
// Commit ids that deployments' commit lists name but that are no Commit node (not
// imported yet, or another id form): those changes have no lead time. One row {count,
// examples}: count = such ids; examples "<deployment>: <commit id>" (up to $examples).
MATCH (d:Deployment)
WHERE d.commits IS NOT NULL
UNWIND d.commits AS commitId
WITH d, commitId
WHERE NOT EXISTS { (:Commit {id: commitId}) }
WITH d, commitId ORDER BY d.id, commitId
RETURN count(commitId) AS count, collect(d.id + ': ' + commitId)[0..$examples] AS examples
