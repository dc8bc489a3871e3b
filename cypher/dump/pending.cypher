// cardinality: rows
// Up to $first records waiting for a node (Pending), after id $after (null: from the
// start), by id: rows {id, record}, the record as stored (canonical JSON).
MATCH (p:Pending)
WHERE $after IS NULL OR p.id > $after
RETURN p.id AS id, p.record AS record
ORDER BY p.id
LIMIT $first
