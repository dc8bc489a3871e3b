// When work items of the kinds $kinds (labels) owned by team $id were done within
// [$start, $end): the entry into a done stage they are still in, in epoch milliseconds.
// One row {item, doneAt} per done visit.
MATCH (:Team {id: $id})-[:OWNS]->(w:WorkItem)-[v:IN_STAGE]->(s:Stage)
WHERE s.state = 'done'
  AND v.exitedAt IS NULL
  AND v.enteredAt >= $start
  AND v.enteredAt < $end
  AND any(label IN labels(w) WHERE label IN $kinds)
RETURN w.id AS item, datetime({datetime: v.enteredAt, timezone: 'UTC'}).epochMillis AS doneAt
