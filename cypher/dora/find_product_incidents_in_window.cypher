// cardinality: one
// Incidents affecting the product in the environment (as dora/find_product_incidents:
// with $production, one naming no environment or `production` counts as production;
// $environment a regular expression the whole name matches) that were created or
// resolved in [$start, $end), the only ones a window's time to restore counts: one row
// {incidents}, a list with one [id, createdAt, resolvedAt] per incident, times in epoch
// microseconds (resolvedAt null while open).
MATCH (i:Incident)-[:AFFECTS]->(:Product {id: $product})
WHERE (i.environment =~ $environment
       OR ($production AND (i.environment IS NULL OR toLower(i.environment) = 'production')))
  AND ((i.createdAt >= $start AND i.createdAt < $end)
       OR (i.resolvedAt >= $start AND i.resolvedAt < $end))
WITH DISTINCT i,
     datetime({datetime: i.createdAt, timezone: 'UTC'}) AS created,
     datetime({datetime: i.resolvedAt, timezone: 'UTC'}) AS resolved
RETURN collect([
         i.id, created.epochSeconds * 1000000 + created.nanosecond / 1000,
         CASE WHEN i.resolvedAt IS NULL THEN null
              ELSE resolved.epochSeconds * 1000000 + resolved.nanosecond / 1000 END
       ]) AS incidents
