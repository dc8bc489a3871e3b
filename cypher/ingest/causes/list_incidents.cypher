// cardinality: rows
// Incident ids after $after, in id order, at most $first of them (keyset paging over
// every incident, graph/ingest/causes.py reattribute_all): rows {incident}.
MATCH (i:Incident)
WHERE i.id > $after
RETURN i.id AS incident
ORDER BY incident
LIMIT $first
