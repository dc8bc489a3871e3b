// cardinality: one
// For each given Team id, its first $first work items after id $after (null: from the
// start), by id: one row {pages}, a list of [key, [[node properties, labels]], total], total
// counting every match after $after.
UNWIND $ids AS key
MATCH (:Team {id: key})-[:OWNS]->(n:WorkItem)
WHERE $after IS NULL OR n.id > $after
WITH key, n
ORDER BY n.id
WITH key, collect(n) AS items
RETURN collect([key, [n IN items[..$first] | [n {.*}, labels(n)]], size(items)]) AS pages
