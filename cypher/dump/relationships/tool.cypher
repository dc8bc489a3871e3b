// cardinality: rows
// The relationships out of up to $first Tool nodes after id $after (null: from the
// start), by id, without derived ones (IN_STAGE visits, SHIPPED, inferred CAUSED_BY):
// rows {startId, type, endLabels, endId, properties}; a start with none gives one row
// of nulls beside its id, so the caller knows how far the page went.
MATCH (a:Tool)
WHERE $after IS NULL OR a.id > $after
WITH a
ORDER BY a.id
LIMIT $first
OPTIONAL MATCH (a)-[r]->(b)
WHERE NOT type(r) IN ['IN_STAGE', 'SHIPPED']
  AND NOT (type(r) = 'CAUSED_BY' AND coalesce(r.inferred, false))
RETURN a.id AS startId, type(r) AS type, labels(b) AS endLabels, b.id AS endId,
       properties(r) AS properties
