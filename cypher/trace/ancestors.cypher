// The work item's ancestors over PARENT_OF, root first: rows {node, labels, depth}.
MATCH path = (a:WorkItem)-[:PARENT_OF*1..12]->(:WorkItem {id: $id})
RETURN a {.*} AS node, labels(a) AS labels, length(path) AS depth
ORDER BY depth DESC
