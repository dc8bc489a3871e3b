// cardinality: rows
// Every relationship of the nodes with element ids $elements, with the node at its other
// end: rows {relationship, start, end, type, properties, other, labels, otherProperties},
// one per relationship and frontier end (a relationship between two frontier nodes comes
// twice), at most $limit.
MATCH (n)
WHERE elementId(n) IN $elements
MATCH (n)-[r]-(m)
RETURN elementId(r) AS relationship, elementId(startNode(r)) AS start,
       elementId(endNode(r)) AS end, type(r) AS type, properties(r) AS properties,
       elementId(m) AS other, labels(m) AS labels, properties(m) AS otherProperties
LIMIT $limit
