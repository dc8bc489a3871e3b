// One row per given id that exists as a work item: {id, log, visits: [{stage, enteredAt,
// exitedAt}]}, its state log and stage visits as stored.
UNWIND $ids AS id
MATCH (w:WorkItem {id: id})
OPTIONAL MATCH (w)-[r:IN_STAGE]->(s:Stage)
WITH w, collect(CASE WHEN r IS NULL THEN null
  ELSE {stage: s.id, enteredAt: r.enteredAt, exitedAt: r.exitedAt} END) AS visits
RETURN w.id AS id, coalesce(w.stateLog, []) AS log, visits
