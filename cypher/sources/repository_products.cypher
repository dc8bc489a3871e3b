// The product of every repository that has one: rows {path, product}, one per
// repository and product (webhooks map a repository's events onto its product).
MATCH (r:Repository)-[:FOR_PRODUCT]->(p:Product)
RETURN r.name AS path, p.id AS product
