// Closes each visit of the given work items at the time the next one began, so a state
// history imported out of order still reads as one chain; no rows.
UNWIND $items AS itemId
MATCH (w:WorkItem {id: itemId})-[r:IN_STAGE]->(:Stage)
WITH w, r
ORDER BY r.enteredAt
WITH w, collect(r) AS visits
UNWIND range(0, size(visits) - 2) AS i
WITH visits[i] AS visit, visits[i + 1].enteredAt AS nextEntered
WHERE visit.exitedAt IS NULL OR visit.exitedAt <> nextEntered
SET visit.exitedAt = nextEntered
