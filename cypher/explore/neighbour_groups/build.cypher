// The relationships of the Build with id $key, grouped by type, direction and the model
// label of the other end (one of $labels; a work item's is WorkItem): rows {type,
// outgoing, label, total}, one per group, by type, outgoing first, then label; none if
// there is no such node or it has no relationship.
MATCH (c:Build {id: $key})-[r]-(m)
WITH type(r) AS type, startNode(r) = c AS outgoing,
     [l IN labels(m) WHERE l IN $labels][0] AS label
WHERE label IS NOT NULL
RETURN type, outgoing, label, count(*) AS total
ORDER BY type, outgoing DESC, label
