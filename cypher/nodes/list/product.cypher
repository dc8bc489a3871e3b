// cardinality: rows
// Up to $first Product nodes after id $after (null: from the start), by id: {node, labels}.
MATCH (n:Product)
WHERE $after IS NULL OR n.id > $after
RETURN n {.*} AS node, labels(n) AS labels
ORDER BY n.id
LIMIT $first
