// cardinality: write
// Deletes the pending records with the given ids (they were written); no rows.
UNWIND $ids AS id
MATCH (p:Pending {id: id})
DELETE p
