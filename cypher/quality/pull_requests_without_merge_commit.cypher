// cardinality: one
// Pull requests merged (mergedAt) with no merge commit (MERGED_AS): no deployment can be
// found for them, so they have no lead time. One row {count, examples} (up to $examples
// ids).
MATCH (pr:PullRequest)
WHERE pr.mergedAt IS NOT NULL AND NOT EXISTS { (pr)-[:MERGED_AS]->(:Commit) }
WITH pr ORDER BY pr.id
RETURN count(pr) AS count, collect(pr.id)[0..$examples] AS examples
