// cardinality: rows
// The records waiting for any of the given nodes ($keys: `Label:id`): rows {id, record}.
UNWIND $keys AS key
MATCH (p:Pending {waitsFor: key})
RETURN p.id AS id, p.record AS record
