// cardinality: write
// Creates the Defect work items that do not exist yet; no rows.
// (MATCH-then-CREATE, not a two-label MERGE: the embedded database cannot use the
// WorkItem id index for a MERGE on two labels, and would scan.)
UNWIND $rows AS row
OPTIONAL MATCH (existing:WorkItem {id: row.id})
WITH row, existing
WHERE existing IS NULL
CREATE (n:WorkItem:Defect {id: row.id})
