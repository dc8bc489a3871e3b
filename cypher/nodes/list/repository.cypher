// cardinality: rows
// Up to $first Repository nodes after id $after (null: from the start), by id: {node, labels}.
MATCH (n:Repository)
WHERE $after IS NULL OR n.id > $after
RETURN n {.*} AS node, labels(n) AS labels
ORDER BY n.id
LIMIT $first
