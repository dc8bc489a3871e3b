// cardinality: one
// What the graph says about products, for sources that convert with it (webhooks, and
// imports without a mapping file): one row {repositories, projects}: [path, product] per
// repository that has a product, [key, product] per product with a planning-tool key.
CALL () {
  MATCH (r:Repository)-[:FOR_PRODUCT]->(p:Product)
  RETURN collect([r.name, p.id]) AS repositories
}
CALL () {
  MATCH (p:Product)
  WHERE p.key IS NOT NULL
  RETURN collect([p.key, p.id]) AS projects
}
RETURN repositories, projects
