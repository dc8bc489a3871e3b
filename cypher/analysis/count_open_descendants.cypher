// cardinality: one
// How many descendants (PARENT_OF, up to four levels) of work item $id of the kinds
// $kinds (labels) are not done (in no done stage now): one row {open}; {open: 0} when
// there is no such item. The flow-item level leaves nested items out as
// metrics/load_visits does: $underParent [kind, parent kind] drops an item of that kind
// with a parent of the other (a Story of a Feature), $overChild [kind, child kind] one
// with such a child; null: none dropped.
OPTIONAL MATCH (:WorkItem {id: $id})-[:PARENT_OF*1..4]->(w:WorkItem)
WITH DISTINCT w
WHERE w IS NOT NULL
  AND any(label IN labels(w) WHERE label IN $kinds)
  AND NOT EXISTS { (w)-[v:IN_STAGE]->(s:Stage) WHERE s.state = 'done' AND v.exitedAt IS NULL }
  AND NOT ($underParent IS NOT NULL AND $underParent[0] IN labels(w)
           AND $underParent[1] IN coalesce(w.parentKinds, []))
  AND NOT ($overChild IS NOT NULL AND $overChild[0] IN labels(w)
           AND $overChild[1] IN coalesce(w.childKinds, []))
RETURN count(w) AS open
