// cardinality: one
// Incidents attributed (CAUSED_BY, explicit or inferred) to any of the given
// deployments: one row {incidents}, a list with one [id, createdAt, resolvedAt] per
// incident, times in epoch microseconds (resolvedAt null while open).
UNWIND $deployments AS deploymentId
MATCH (:Deployment {id: deploymentId})<-[:CAUSED_BY]-(i:Incident)
WITH DISTINCT i,
     datetime({datetime: i.createdAt, timezone: 'UTC'}) AS created,
     datetime({datetime: i.resolvedAt, timezone: 'UTC'}) AS resolved
RETURN collect([
         i.id, created.epochSeconds * 1000000 + created.nanosecond / 1000,
         CASE WHEN i.resolvedAt IS NULL THEN null
              ELSE resolved.epochSeconds * 1000000 + resolved.nanosecond / 1000 END
       ]) AS incidents
