// cardinality: one
// Deployment environments spelled in several cases (Production, production): the
// deployments of one environment then form several SHIPPED chains. One row {count,
// examples}: count = such environments; examples "<spellings>" (up to $examples).
MATCH (d:Deployment)
WITH toLower(d.environment) AS environment, collect(DISTINCT d.environment) AS spellings
WHERE size(spellings) > 1
WITH environment, spellings ORDER BY environment
RETURN count(environment) AS count,
       collect(reduce(s = '', e IN spellings
                      | s + CASE WHEN s = '' THEN '' ELSE ' / ' END + e))[0..$examples]
         AS examples
