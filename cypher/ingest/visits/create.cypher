// cardinality: write
// Creates stage visits (ingest checked that none has the same key): rows
// {item, visits: [{stage, enteredAt, exitedAt}]}, one per item; $stages holds every stage
// id the rows name; no rows. Each stage and each item is looked up once, not once per
// visit, and the properties are written in the CREATE (a null exitedAt is not stored),
// not by `SET r += ...`: the embedded database writes visits several times faster so.
UNWIND $stages AS stageId
MATCH (s:Stage {id: stageId})
WITH collect({id: stageId, node: s}) AS stages
UNWIND $rows AS row
MATCH (w:WorkItem {id: row.item})
UNWIND row.visits AS visit
WITH w, visit, [x IN stages WHERE x.id = visit.stage][0].node AS s
CREATE (w)-[:IN_STAGE {enteredAt: visit.enteredAt, exitedAt: visit.exitedAt}]->(s)
