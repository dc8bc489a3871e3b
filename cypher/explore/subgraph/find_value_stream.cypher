// cardinality: one
// The value stream with id $id, where a subgraph export starts: zero or one row
// {element, labels, properties}.
MATCH (n:ValueStream {id: $id})
RETURN elementId(n) AS element, labels(n) AS labels, properties(n) AS properties
