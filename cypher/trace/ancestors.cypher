// The work item's ancestors over PARENT_OF, root first: rows {node, labels, depth}.
// Walked up from the item (see trace/portfolio for why the bound end comes first).
MATCH (w:WorkItem {id: $id})
MATCH path = (w)<-[:PARENT_OF*1..12]-(a:WorkItem)
RETURN a {.*} AS node, labels(a) AS labels, length(path) AS depth
ORDER BY depth DESC
