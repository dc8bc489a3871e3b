// The work item's descendants over PARENT_OF, nearest first: rows {node, labels, depth}.
MATCH path = (:WorkItem {id: $id})-[:PARENT_OF*1..12]->(d:WorkItem)
RETURN d {.*} AS node, labels(d) AS labels, length(path) AS depth
ORDER BY depth, d.id
