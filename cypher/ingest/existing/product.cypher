// cardinality: rows
// One row {id} per given id that exists as a Product.
UNWIND $ids AS id
MATCH (n:Product {id: id})
RETURN n.id AS id
