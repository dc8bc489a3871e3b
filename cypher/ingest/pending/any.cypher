// cardinality: one
// One row {waiting: true} if any record waits for a node, none otherwise.
MATCH (p:Pending)
RETURN true AS waiting
LIMIT 1
