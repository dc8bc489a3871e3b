// cardinality: one
// Up to $first Incident nodes with one of $labels (a work item's kind counts) whose
// title contains $lower (lower case; titles compared in lower case): one row {found}, a
// list of [properties, labels], in no particular order. A label may hold millions of
// nodes, so this scans: it stops at $first matches, and is asked only when Incident is
// wanted (the embedded database scans even when a condition on the parameters alone
// rules every node out).
MATCH (n:Incident)
WHERE toLower(n.title) CONTAINS $lower
  AND any(label IN labels(n) WHERE label IN $labels)
WITH n
LIMIT $first
RETURN collect([n {.*}, labels(n)]) AS found
