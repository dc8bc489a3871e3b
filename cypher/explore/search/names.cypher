// cardinality: one
// Up to $first nodes with one of $labels among the organisation's labels and releases
// (BusinessLine, Product, ValueStream, Stage, Team, Person, Skill, Tool, Repository,
// Release: few nodes each, so scanning them is cheap) whose name contains $lower (lower
// case; names compared in lower case): one row {found}, a list of [properties, labels],
// releases last (they are many and repeat their product's name), then by id.
CALL () {
  MATCH (n:BusinessLine) WHERE toLower(n.name) CONTAINS $lower RETURN n
  UNION
  MATCH (n:Product) WHERE toLower(n.name) CONTAINS $lower RETURN n
  UNION
  MATCH (n:ValueStream) WHERE toLower(n.name) CONTAINS $lower RETURN n
  UNION
  MATCH (n:Stage) WHERE toLower(n.name) CONTAINS $lower RETURN n
  UNION
  MATCH (n:Team) WHERE toLower(n.name) CONTAINS $lower RETURN n
  UNION
  MATCH (n:Person) WHERE toLower(n.name) CONTAINS $lower RETURN n
  UNION
  MATCH (n:Skill) WHERE toLower(n.name) CONTAINS $lower RETURN n
  UNION
  MATCH (n:Tool) WHERE toLower(n.name) CONTAINS $lower RETURN n
  UNION
  MATCH (n:Repository) WHERE toLower(n.name) CONTAINS $lower RETURN n
  UNION
  MATCH (n:Release) WHERE toLower(n.name) CONTAINS $lower RETURN n
}
WITH n
WHERE any(label IN labels(n) WHERE label IN $labels)
WITH n
ORDER BY CASE WHEN n:Release THEN 1 ELSE 0 END, n.id
LIMIT $first
RETURN collect([n {.*}, labels(n)]) AS found
