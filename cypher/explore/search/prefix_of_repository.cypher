// cardinality: one
// Up to $first Repository nodes with one of $labels whose id starts with $prefix: one
// row {found}, a list of [properties, labels] in no particular order. A statement of its
// own for every label: the embedded database uses the id index for STARTS WITH only at
// the top of a statement (inside CALL, after WITH or with OR it scans the label).
MATCH (n:Repository)
WHERE n.id STARTS WITH $prefix
  AND any(label IN labels(n) WHERE label IN $labels)
WITH n
LIMIT $first
RETURN collect([n {.*}, labels(n)]) AS found
