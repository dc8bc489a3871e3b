// cardinality: write
// Deletes the given (Deployment)-[:SHIPPED]->(Commit) relationships ({deployment,
// commit} rows); no rows. Matched from the commit's side (a commit has a few SHIPPED, a
// deployment may have thousands) and every relationship collected before the first is
// deleted: on the embedded database a statement that deletes many edges of one node
// while it is still matching that node's edges fails (EntityNotFound; its log says
// RecordNotFoundException in MutableEdgeSegment), depending on which edges go.
UNWIND $rows AS row
MATCH (c:Commit {id: row.commit})<-[s:SHIPPED]-(d:Deployment)
WHERE d.id = row.deployment
WITH collect(s) AS gone
UNWIND gone AS s
DELETE s
