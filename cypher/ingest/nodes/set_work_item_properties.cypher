// cardinality: write
// Sets the properties of existing work items by id; no rows.
UNWIND $rows AS row
MATCH (n:WorkItem {id: row.id})
SET n += row.properties
