// cardinality: one
// A shortest path of at most $maxDepth (<= 6) relationships, either direction, from the node
// with label $fromLabel and id $fromKey to the one with $toLabel/$toKey: 0 or 1 row
// {nodes, labels} (per node, in path order) and {rels, types, forward} (per relationship,
// rel i joining node i and node i+1, forward when it points from node i to node i+1).
// Each end is found through its label's id index: one branch per label of the model,
// only the one naming $fromLabel (or $toLabel) matching (a node matched by id alone,
// with no label, makes the embedded database scan every node). Parallel lists, not a
// list of maps: the embedded database drops map projections inside list comprehensions.
CALL () {
  MATCH (a:BusinessLine {id: $fromKey}) WHERE $fromLabel = 'BusinessLine' RETURN a
  UNION
  MATCH (a:Product {id: $fromKey}) WHERE $fromLabel = 'Product' RETURN a
  UNION
  MATCH (a:ValueStream {id: $fromKey}) WHERE $fromLabel = 'ValueStream' RETURN a
  UNION
  MATCH (a:Stage {id: $fromKey}) WHERE $fromLabel = 'Stage' RETURN a
  UNION
  MATCH (a:Team {id: $fromKey}) WHERE $fromLabel = 'Team' RETURN a
  UNION
  MATCH (a:Person {id: $fromKey}) WHERE $fromLabel = 'Person' RETURN a
  UNION
  MATCH (a:Skill {id: $fromKey}) WHERE $fromLabel = 'Skill' RETURN a
  UNION
  MATCH (a:Tool {id: $fromKey}) WHERE $fromLabel = 'Tool' RETURN a
  UNION
  MATCH (a:WorkItem {id: $fromKey}) WHERE $fromLabel = 'WorkItem' RETURN a
  UNION
  MATCH (a:Repository {id: $fromKey}) WHERE $fromLabel = 'Repository' RETURN a
  UNION
  MATCH (a:Commit {id: $fromKey}) WHERE $fromLabel = 'Commit' RETURN a
  UNION
  MATCH (a:PullRequest {id: $fromKey}) WHERE $fromLabel = 'PullRequest' RETURN a
  UNION
  MATCH (a:Build {id: $fromKey}) WHERE $fromLabel = 'Build' RETURN a
  UNION
  MATCH (a:Deployment {id: $fromKey}) WHERE $fromLabel = 'Deployment' RETURN a
  UNION
  MATCH (a:Release {id: $fromKey}) WHERE $fromLabel = 'Release' RETURN a
  UNION
  MATCH (a:Incident {id: $fromKey}) WHERE $fromLabel = 'Incident' RETURN a
  UNION
  MATCH (a:Feedback {id: $fromKey}) WHERE $fromLabel = 'Feedback' RETURN a
}
CALL () {
  MATCH (b:BusinessLine {id: $toKey}) WHERE $toLabel = 'BusinessLine' RETURN b
  UNION
  MATCH (b:Product {id: $toKey}) WHERE $toLabel = 'Product' RETURN b
  UNION
  MATCH (b:ValueStream {id: $toKey}) WHERE $toLabel = 'ValueStream' RETURN b
  UNION
  MATCH (b:Stage {id: $toKey}) WHERE $toLabel = 'Stage' RETURN b
  UNION
  MATCH (b:Team {id: $toKey}) WHERE $toLabel = 'Team' RETURN b
  UNION
  MATCH (b:Person {id: $toKey}) WHERE $toLabel = 'Person' RETURN b
  UNION
  MATCH (b:Skill {id: $toKey}) WHERE $toLabel = 'Skill' RETURN b
  UNION
  MATCH (b:Tool {id: $toKey}) WHERE $toLabel = 'Tool' RETURN b
  UNION
  MATCH (b:WorkItem {id: $toKey}) WHERE $toLabel = 'WorkItem' RETURN b
  UNION
  MATCH (b:Repository {id: $toKey}) WHERE $toLabel = 'Repository' RETURN b
  UNION
  MATCH (b:Commit {id: $toKey}) WHERE $toLabel = 'Commit' RETURN b
  UNION
  MATCH (b:PullRequest {id: $toKey}) WHERE $toLabel = 'PullRequest' RETURN b
  UNION
  MATCH (b:Build {id: $toKey}) WHERE $toLabel = 'Build' RETURN b
  UNION
  MATCH (b:Deployment {id: $toKey}) WHERE $toLabel = 'Deployment' RETURN b
  UNION
  MATCH (b:Release {id: $toKey}) WHERE $toLabel = 'Release' RETURN b
  UNION
  MATCH (b:Incident {id: $toKey}) WHERE $toLabel = 'Incident' RETURN b
  UNION
  MATCH (b:Feedback {id: $toKey}) WHERE $toLabel = 'Feedback' RETURN b
}
MATCH p = shortestPath((a)-[*..6]-(b))
WITH nodes(p) AS ns, relationships(p) AS rs
WHERE size(rs) <= $maxDepth
RETURN [n IN ns | properties(n)] AS nodes,
       [n IN ns | labels(n)] AS labels,
       [r IN rs | elementId(r)] AS rels,
       [r IN rs | type(r)] AS types,
       [i IN range(0, size(rs) - 1) | startNode(rs[i]) = ns[i]] AS forward
LIMIT 1
