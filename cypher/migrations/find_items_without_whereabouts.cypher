// Up to $first work items that have stage visits but no lastMovedAt (written before
// ingest derived it): rows {id}.
MATCH (w:WorkItem)
WHERE w.lastMovedAt IS NULL AND EXISTS { (w)-[:IN_STAGE]->(:Stage) }
RETURN w.id AS id
LIMIT $first
