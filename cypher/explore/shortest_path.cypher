// A shortest path of at most $maxDepth (<= 6) relationships, either direction, from the node
// with label $fromLabel and id $fromKey to the one with $toLabel/$toKey: 0 or 1 row
// {nodes, labels} (per node, in path order) and {rels, types, forward} (per relationship,
// rel i joining node i and node i+1, forward when it points from node i to node i+1).
// The labels are parameters (one statement for every pair of labels), so the anchors are
// matched by id and then checked for the label. Parallel lists, not a list of maps: the
// embedded database drops map projections inside list comprehensions.
MATCH (a {id: $fromKey}), (b {id: $toKey})
WHERE $fromLabel IN labels(a) AND $toLabel IN labels(b)
MATCH p = shortestPath((a)-[*..6]-(b))
WITH nodes(p) AS ns, relationships(p) AS rs
WHERE size(rs) <= $maxDepth
RETURN [n IN ns | properties(n)] AS nodes,
       [n IN ns | labels(n)] AS labels,
       [r IN rs | elementId(r)] AS rels,
       [r IN rs | type(r)] AS types,
       [i IN range(0, size(rs) - 1) | startNode(rs[i]) = ns[i]] AS forward
LIMIT 1
