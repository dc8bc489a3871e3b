// cardinality: rows
// One row {key, node, labels} per given id that exists as a Product.
UNWIND $ids AS key
MATCH (n:Product {id: key})
RETURN key, n {.*} AS node, labels(n) AS labels
