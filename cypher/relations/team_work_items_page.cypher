// For each given Team id, its first $first work items after id $after (null: from the
// start), by id: rows {key, node, labels, total}, total counting every match after $after.
UNWIND $ids AS key
MATCH (:Team {id: key})-[:OWNS]->(n:WorkItem)
WHERE $after IS NULL OR n.id > $after
WITH key, n
ORDER BY n.id
WITH key, collect(n) AS items
UNWIND items[..$first] AS n
RETURN key, n {.*} AS node, labels(n) AS labels, size(items) AS total
