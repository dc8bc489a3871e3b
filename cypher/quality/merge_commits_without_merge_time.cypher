// cardinality: one
// Pull requests with a merge commit (MERGED_AS) but no mergedAt: their lead time has no
// review and deploy steps, and a deployment before the merge cannot be detected. One
// row {count, examples} (up to $examples ids).
MATCH (pr:PullRequest)-[:MERGED_AS]->(:Commit)
WHERE pr.mergedAt IS NULL
WITH DISTINCT pr ORDER BY pr.id
RETURN count(pr) AS count, collect(pr.id)[0..$examples] AS examples
