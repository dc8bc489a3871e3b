// cardinality: write
// Sets when the given stage visits ended, rows {item, stage, enteredAt, exitedAt} (a null
// exitedAt reopens the visit); no rows.
UNWIND $rows AS row
MATCH (w:WorkItem {id: row.item})-[r:IN_STAGE]->(s:Stage {id: row.stage})
WHERE r.enteredAt = row.enteredAt
SET r.exitedAt = row.exitedAt
