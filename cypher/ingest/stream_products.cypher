// One row {stream, product} per value stream that belongs to a product; a few dozen rows.
MATCH (p:Product)-[:HAS_VALUE_STREAM]->(v:ValueStream)
RETURN v.id AS stream, p.id AS product
