// cardinality: rows
// Every value stream with its product's id (null when no product has it), in id order,
// at most $limit: rows {valueStream, name, product}, one per value stream.
MATCH (v:ValueStream)
OPTIONAL MATCH (p:Product)-[:HAS_VALUE_STREAM]->(v)
WITH v, min(p.id) AS product
RETURN v.id AS valueStream, coalesce(v.name, v.id) AS name, product
ORDER BY valueStream
LIMIT $limit
