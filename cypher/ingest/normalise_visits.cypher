// Closes each visit of the given work items at the time the next one began, so a state
// history imported out of order still reads as one chain, and records where each item
// is now: currentStage, the stage of its last visit while that is open (none once it is
// closed), and lastMovedAt, that visit's exit or else its entry. No rows.
UNWIND $items AS itemId
MATCH (w:WorkItem {id: itemId})-[r:IN_STAGE]->(s:Stage)
WITH w, r, s
ORDER BY r.enteredAt, s.id
WITH w, collect(r) AS visits, collect(s.id) AS stages
WITH w, visits, visits[size(visits) - 1] AS latest, stages[size(stages) - 1] AS latestStage
SET w.currentStage = CASE WHEN latest.exitedAt IS NULL THEN latestStage END,
    w.lastMovedAt = coalesce(latest.exitedAt, latest.enteredAt)
WITH visits
UNWIND range(0, size(visits) - 2) AS i
WITH visits[i] AS visit, visits[i + 1].enteredAt AS nextEntered
WHERE visit.exitedAt IS NULL OR visit.exitedAt <> nextEntered
SET visit.exitedAt = nextEntered
