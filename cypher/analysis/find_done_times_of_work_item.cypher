// When descendants (PARENT_OF, up to four levels) of work item $id of the kinds $kinds
// (labels) were done within [$start, $end): the entry into a done stage they are still
// in, in epoch milliseconds. One row {item, doneAt} per done visit.
MATCH (:WorkItem {id: $id})-[:PARENT_OF*1..4]->(w:WorkItem)
WITH DISTINCT w
WHERE any(label IN labels(w) WHERE label IN $kinds)
MATCH (w)-[v:IN_STAGE]->(s:Stage)
WHERE s.state = 'done'
  AND v.exitedAt IS NULL
  AND v.enteredAt >= $start
  AND v.enteredAt < $end
RETURN w.id AS item, datetime({datetime: v.enteredAt, timezone: 'UTC'}).epochMillis AS doneAt
