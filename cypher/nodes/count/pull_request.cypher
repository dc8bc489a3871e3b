// cardinality: one
// One row {total}: how many PullRequest nodes exist.
MATCH (n:PullRequest)
RETURN count(n) AS total
