// cardinality: rows
// Up to $first Release nodes after id $after (null: from the start), by id: {node, labels}.
MATCH (n:Release)
WHERE $after IS NULL OR n.id > $after
RETURN n {.*} AS node, labels(n) AS labels
ORDER BY n.id
LIMIT $first
