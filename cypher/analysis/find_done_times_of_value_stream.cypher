// When work items of the kinds $kinds (labels) were done in value stream $id within
// [$start, $end): the entry into a done stage they are still in, in epoch milliseconds.
// One row {item, doneAt} per done visit.
MATCH (:ValueStream {id: $id})-[:HAS_STAGE]->(s:Stage)<-[v:IN_STAGE]-(w:WorkItem)
WHERE s.state = 'done'
  AND v.exitedAt IS NULL
  AND v.enteredAt >= $start
  AND v.enteredAt < $end
  AND any(label IN labels(w) WHERE label IN $kinds)
RETURN w.id AS item, datetime({datetime: v.enteredAt, timezone: 'UTC'}).epochMillis AS doneAt
