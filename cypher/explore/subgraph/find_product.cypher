// cardinality: one
// The product with id $id, where a subgraph export starts: zero or one row
// {element, labels, properties}.
MATCH (n:Product {id: $id})
RETURN elementId(n) AS element, labels(n) AS labels, properties(n) AS properties
