// One row {started}: the first time any of the work items entered an active or waiting
// stage (null if none has).
UNWIND $ids AS itemId
MATCH (:WorkItem {id: itemId})-[v:IN_STAGE]->(s:Stage)
WHERE s.state IN ['active', 'waiting']
RETURN min(v.enteredAt) AS started
