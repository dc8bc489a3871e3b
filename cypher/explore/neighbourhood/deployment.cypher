// cardinality: rows
// One page of the relationships of the Deployment with id $key to nodes of the model (one
// of $labels), only of $types and in direction $outgoing (true: from it) unless null,
// in (type, other id) order from offset $skip:
// up to $first rows {rel, type, outgoing, node, labels}; none if there is no such node.
MATCH (c:Deployment {id: $key})-[r]-(m)
WHERE ($types IS NULL OR type(r) IN $types)
  AND ($outgoing IS NULL OR (startNode(r) = c) = $outgoing)
  AND any(l IN labels(m) WHERE l IN $labels)
WITH r, m, type(r) AS type, startNode(r) = c AS outgoing
ORDER BY type, m.id, outgoing
SKIP $skip
LIMIT $first
RETURN elementId(r) AS rel, type, outgoing, m {.*} AS node, labels(m) AS labels
