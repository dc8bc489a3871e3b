// cardinality: rows
// Progress of the work items $items (ids): one row {item, started, done} per item found:
// started = first entry into an active or waiting stage (epoch milliseconds, null if
// never), done = it is in a done stage now (an open visit to one).
UNWIND $items AS id
MATCH (w:WorkItem {id: id})
OPTIONAL MATCH (w)-[v:IN_STAGE]->(s:Stage)
WITH w,
     min(CASE WHEN s.state IN ['active', 'waiting'] THEN v.enteredAt END) AS started,
     max(CASE WHEN s.state = 'done' AND v.exitedAt IS NULL THEN 1 ELSE 0 END) AS done
RETURN w.id AS item,
       CASE WHEN started IS NULL THEN null
            ELSE datetime({datetime: started, timezone: 'UTC'}).epochMillis END AS started,
       done = 1 AS done
