// The owner team of each of the work items $items (ids) and what blocks it: one row
// {item, team, blockers} per item found; team null when no team OWNS it (the smallest
// team id if several do); blockers = [blocker id, its owner team (same rule) or null] per
// BLOCKED_BY.
UNWIND $items AS id
MATCH (w:WorkItem {id: id})
OPTIONAL MATCH (w)<-[:OWNS]-(t:Team)
WITH w, min(t.id) AS team
RETURN w.id AS item, team,
       [(w)-[:BLOCKED_BY]->(b:WorkItem) |
         [b.id, COLLECT { MATCH (b)<-[:OWNS]-(o:Team) RETURN o.id ORDER BY o.id LIMIT 1 }[0]]]
         AS blockers
