// cardinality: write
// Deletes every node and relationship of the database; no rows. For tests and resets.
MATCH (n)
DETACH DELETE n
