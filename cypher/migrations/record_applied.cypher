// cardinality: write
// Records that data migration $id has run (at $at, kept from the first run); no rows.
MERGE (m:Migration {id: $id})
ON CREATE SET m.appliedAt = $at
