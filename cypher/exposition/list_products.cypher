// cardinality: rows
// Every product, in id order, at most $limit: rows {product, name}, one per product.
MATCH (p:Product)
RETURN p.id AS product, coalesce(p.name, p.id) AS name
ORDER BY product
LIMIT $limit
