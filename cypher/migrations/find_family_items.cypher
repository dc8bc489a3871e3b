// cardinality: one
// The work items with a PARENT_OF relationship (as parent or child) that lack the family
// kinds ingest now derives (docs/graph-model.md, derived properties): one row {ids}.
// Read once by migration 005, which derives them by ingest's own statement
// (ingest/families/set_family_kinds).
MATCH (w:WorkItem)
WHERE w.parentKinds IS NULL AND w.childKinds IS NULL
  AND (EXISTS { (w)-[:PARENT_OF]->(:WorkItem) } OR EXISTS { (w)<-[:PARENT_OF]-(:WorkItem) })
RETURN collect(w.id) AS ids
