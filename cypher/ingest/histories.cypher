// cardinality: rows
// One row per given id that exists as a work item: {id, product, log, visits: [{stage,
// enteredAt, exitedAt}]}: the product it is for (null if none), its state log and its
// stage visits as stored.
UNWIND $ids AS id
MATCH (w:WorkItem {id: id})
OPTIONAL MATCH (w)-[r:IN_STAGE]->(s:Stage)
WITH w, collect(CASE WHEN r IS NULL THEN null
  ELSE {stage: s.id, enteredAt: r.enteredAt, exitedAt: r.exitedAt} END) AS visits
OPTIONAL MATCH (w)-[:FOR_PRODUCT]->(p:Product)
RETURN w.id AS id, min(p.id) AS product, coalesce(w.stateLog, []) AS log, visits
