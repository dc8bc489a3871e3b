// cardinality: write
// Deletes the releases with the given ids and their relationships (the vendor deleted
// them, or turned them back into drafts); no rows.
UNWIND $ids AS id
MATCH (n:Release {id: id})
DETACH DELETE n
