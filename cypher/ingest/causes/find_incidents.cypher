// cardinality: rows
// The given incidents as attribution needs them: rows {incident, createdAt,
// environment, products, explicit, inferred}, one per existing incident. `explicit`:
// it has a CAUSED_BY not marked inferred; `inferred`: deployments of its inferred ones.
UNWIND $ids AS incidentId
MATCH (i:Incident {id: incidentId})
RETURN i.id AS incident, i.createdAt AS createdAt, i.environment AS environment,
       [(i)-[:AFFECTS]->(p:Product) | p.id] AS products,
       EXISTS {
         MATCH (i)-[c:CAUSED_BY]->(:Deployment)
         WHERE c.inferred IS NULL OR c.inferred = false
       } AS explicit,
       [(i)-[c:CAUSED_BY]->(d:Deployment) WHERE c.inferred = true | d.id] AS inferred
