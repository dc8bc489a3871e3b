// The planning-tool project key of every product that has one: rows {key, product},
// one per product with a key (webhooks map Jira projects and issue keys onto products).
MATCH (p:Product)
WHERE p.key IS NOT NULL
RETURN p.key AS key, p.id AS product
