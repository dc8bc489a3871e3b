// cardinality: rows
// Every deployment environment name, with how many deployments use it and whether it
// matches $production (a regular expression, the whole name): rows {environment,
// deployments, production}, most used first.
MATCH (d:Deployment)
WITH d.environment AS environment, count(d) AS deployments
RETURN environment, deployments, environment =~ $production AS production
ORDER BY deployments DESC, environment
