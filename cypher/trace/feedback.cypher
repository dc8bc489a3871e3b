// Customer feedback about any of the work items: distinct rows {node, labels}, oldest first.
UNWIND $ids AS itemId
MATCH (:WorkItem {id: itemId})<-[:ABOUT]-(f:Feedback)
WITH DISTINCT f
RETURN f {.*} AS node, labels(f) AS labels
ORDER BY f.createdAt, f.id
