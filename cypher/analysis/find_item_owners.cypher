// cardinality: one
// The owner team of each of the work items $items (ids): one row {owners}, a list with
// one [item, team] per item found that a team OWNS (the smallest team id if several do).
UNWIND $items AS id
MATCH (w:WorkItem {id: id})<-[:OWNS]-(t:Team)
WITH w, min(t.id) AS team
RETURN collect([w.id, team]) AS owners
