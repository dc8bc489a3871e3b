// cardinality: one
// Products with deployments (FOR_PRODUCT, or through their repositories) none of which
// is to an environment matching $production: their DORA figures are empty. One row
// {count, examples}: examples "<product>: <environments seen, sorted>" (up to $examples).
MATCH (p:Product)
WITH p, COLLECT {
       CALL (p) {
         MATCH (d:Deployment)-[:FOR_PRODUCT]->(p) RETURN d.environment AS environment
         UNION
         MATCH (d:Deployment)-[:DEPLOYED]->(:Commit)-[:IN_REPO]->(:Repository)-[:FOR_PRODUCT]->(p)
         RETURN d.environment AS environment
       }
       RETURN environment ORDER BY environment
     } AS environments
WHERE size(environments) > 0 AND none(e IN environments WHERE e =~ $production)
WITH p, environments ORDER BY p.id
RETURN count(p) AS count,
       collect(p.id + ': ' + reduce(s = '', e IN environments
                                    | s + CASE WHEN s = '' THEN '' ELSE ', ' END + e))[0..$examples]
         AS examples
