// cardinality: rows
// The relationships of the Product with id $key, grouped by type, direction and the model
// label of the other end (one of $labels; a work item's is WorkItem), each group counted
// and with its first $per relationships (by the other node's id), in one pass over the
// node's relationships: rows {type, outgoing, label, total, rel, node, labels}, one per
// relationship of a first page (one with rel null for a group when $per is 0), groups by
// type, outgoing first, then label; none if there is no such node or relationship.
MATCH (c:Product {id: $key})-[r]-(m)
WITH c, r, m, [l IN labels(m) WHERE l IN $labels][0] AS label
WHERE label IS NOT NULL
WITH type(r) AS type, startNode(r) = c AS outgoing, label, r, m
ORDER BY type, outgoing DESC, label, m.id
WITH type, outgoing, label, count(*) AS total, collect([r, m])[0..$per] AS first
UNWIND CASE WHEN size(first) = 0 THEN [null] ELSE first END AS pair
RETURN type, outgoing, label, total,
       CASE WHEN pair IS NULL THEN null ELSE elementId(pair[0]) END AS rel,
       CASE WHEN pair IS NULL THEN null ELSE properties(pair[1]) END AS node,
       CASE WHEN pair IS NULL THEN null ELSE labels(pair[1]) END AS labels
