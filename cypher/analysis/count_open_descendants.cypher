// How many descendants (PARENT_OF, up to four levels) of work item $id of the kinds
// $kinds (labels) are not done (in no done stage now): one row {open}; {open: 0} when
// there is no such item.
OPTIONAL MATCH (:WorkItem {id: $id})-[:PARENT_OF*1..4]->(w:WorkItem)
WITH DISTINCT w
WHERE w IS NOT NULL
  AND any(label IN labels(w) WHERE label IN $kinds)
  AND NOT EXISTS { (w)-[v:IN_STAGE]->(s:Stage) WHERE s.state = 'done' AND v.exitedAt IS NULL }
RETURN count(w) AS open
