// cardinality: rows
// The relationships from a node with element id in $elements to a node with element id in
// $within (the edges between the outermost nodes of a subgraph): rows {relationship,
// start, end, type, properties}, one per relationship, at most $limit.
MATCH (n)-[r]->(m)
WHERE elementId(n) IN $elements AND elementId(m) IN $within
RETURN elementId(r) AS relationship, elementId(n) AS start, elementId(m) AS end,
       type(r) AS type, properties(r) AS properties
LIMIT $limit
