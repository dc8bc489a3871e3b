// Incidents affecting the product in the environment (an incident naming none counts as
// production): rows {id, createdAt, resolvedAt}, one per incident.
MATCH (i:Incident)-[:AFFECTS]->(:Product {id: $product})
WHERE coalesce(i.environment, 'production') = $environment
RETURN DISTINCT i.id AS id, i.createdAt AS createdAt, i.resolvedAt AS resolvedAt
