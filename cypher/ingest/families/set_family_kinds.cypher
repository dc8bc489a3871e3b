// cardinality: write
// Gives each work item of $ids its family kinds (docs/graph-model.md, derived
// properties), from its PARENT_OF relationships as they are now: parentKinds, the kinds
// of its parents, and childKinds, those of its children, each in the order of $kinds
// (every work item kind), null where there is none. Writes only items whose kinds
// change. One row {items}: how many were written.
// Why this shape: recomputed from the graph, not added to from the batch, so that any
// order of the same links and items gives the same kinds; each comprehension starts
// from the item (the embedded database expands a pattern comprehension from its first
// node, and from the other end reads every node of that label).
UNWIND $ids AS id
MATCH (w:WorkItem {id: id})
WITH w,
     [(w)<-[:PARENT_OF]-(p:WorkItem) | labels(p)] AS parentLabels,
     [(w)-[:PARENT_OF]->(c:WorkItem) | labels(c)] AS childLabels
WITH w,
     [k IN $kinds WHERE any(held IN parentLabels WHERE k IN held)] AS parents,
     [k IN $kinds WHERE any(held IN childLabels WHERE k IN held)] AS children
WHERE coalesce(w.parentKinds, []) <> parents OR coalesce(w.childKinds, []) <> children
SET w.parentKinds = CASE WHEN size(parents) = 0 THEN null ELSE parents END,
    w.childKinds = CASE WHEN size(children) = 0 THEN null ELSE children END
RETURN count(w) AS items
