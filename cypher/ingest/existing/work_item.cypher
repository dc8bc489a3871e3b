// cardinality: rows
// One row per given id that exists as a work item: {id, kinds} (its kind labels).
UNWIND $ids AS id
MATCH (n:WorkItem {id: id})
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'WorkItem'] AS kinds
