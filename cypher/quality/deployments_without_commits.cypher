// cardinality: one
// Deployments with neither a head commit (DEPLOYED) nor a commit list: they count in
// deployment frequency but ship nothing, so no lead time can end at them. One row
// {count, examples} (up to $examples ids).
MATCH (d:Deployment)
WHERE NOT EXISTS { (d)-[:DEPLOYED]->(:Commit) } AND size(coalesce(d.commits, [])) = 0
WITH d ORDER BY d.id
RETURN count(d) AS count, collect(d.id)[0..$examples] AS examples
