// cardinality: write
// Gives up to $first work items that lack them their visit columns (visitStages,
// visitEntries, visitExits: docs/graph-model.md, derived properties), read off their
// IN_STAGE visits, oldest first; an item without visits gets empty ones, so it is not
// found again. One row {items}: how many were given columns (0: none was left).
// Why this shape: the columns are what ingest writes from the same visits
// (graph/ingest/plan.py); times as epoch milliseconds, truncated as there. The guards on
// a null visit keep an item without visits from collecting an exit of -1.
MATCH (w:WorkItem)
WHERE w.visitStages IS NULL
WITH w LIMIT $first
CALL (w) {
  OPTIONAL MATCH (w)-[x:IN_STAGE]->(t:Stage)
  WITH x, t ORDER BY x.enteredAt, t.id
  RETURN collect(t.id) AS stages,
         collect(CASE WHEN x IS NULL THEN null
                      ELSE datetime({datetime: x.enteredAt, timezone: 'UTC'}).epochMillis END) AS entries,
         collect(CASE WHEN x IS NULL THEN null
                      WHEN x.exitedAt IS NULL THEN -1
                      ELSE datetime({datetime: x.exitedAt, timezone: 'UTC'}).epochMillis END) AS exits
}
SET w.visitStages = stages, w.visitEntries = entries, w.visitExits = exits
RETURN count(w) AS items
