// cardinality: rows
// Up to $first work items that have stage visits but no state log (written before
// ingest kept the facts): rows {id}.
MATCH (w:WorkItem)
WHERE w.stateLog IS NULL AND EXISTS { (w)-[:IN_STAGE]->(:Stage) }
RETURN w.id AS id
LIMIT $first
