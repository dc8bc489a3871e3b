// cardinality: rows
// Up to $first Stage nodes after id $after (null: from the start), by id: {node, labels}.
MATCH (n:Stage)
WHERE $after IS NULL OR n.id > $after
RETURN n {.*} AS node, labels(n) AS labels
ORDER BY n.id
LIMIT $first
