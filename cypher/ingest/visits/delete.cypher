// cardinality: write
// Deletes the given stage visits, rows {item, stage, enteredAt}; no rows. The visits are
// collected before any is deleted: the embedded database fails to delete several edges
// of one node while a match over them is still being read.
UNWIND $rows AS row
MATCH (w:WorkItem {id: row.item})-[r:IN_STAGE]->(s:Stage {id: row.stage})
WHERE r.enteredAt = row.enteredAt
WITH collect(r) AS doomed
UNWIND doomed AS r
DELETE r
