// cardinality: write
// Creates or updates Deployment nodes by id; no rows. Statuses arrive one by one and out
// of order (webhooks, sync, files), so the stored progress is merged with the incoming
// one here, in the write, whatever the order (graph/ingest/progress.py has the same rule
// for the records of one batch): the start is the earliest seen; a finished deployment
// (success or failure) never goes back to in progress; between two finished statuses the
// one that finished later wins, with its finish.
UNWIND $rows AS row
MERGE (n:Deployment {id: row.id})
WITH n, row, n.status AS oldStatus, n.startedAt AS oldStart, n.finishedAt AS oldEnd,
     row.properties.status AS newStatus, row.properties.startedAt AS newStart,
     row.properties.finishedAt AS newEnd
WITH n, row, oldStatus, oldStart, oldEnd, newStatus, newStart, newEnd,
     CASE
       WHEN oldStatus IS NULL THEN true
       WHEN NOT newStatus IN ['success', 'failure'] THEN false
       WHEN NOT oldStatus IN ['success', 'failure'] THEN true
       ELSE coalesce(newEnd, newStart) >= coalesce(oldEnd, oldStart)
     END AS incomingWins
SET n += row.properties
SET n.status = CASE WHEN incomingWins THEN newStatus ELSE oldStatus END,
    n.finishedAt = CASE WHEN incomingWins THEN newEnd ELSE oldEnd END,
    n.startedAt = CASE
      WHEN oldStart IS NULL OR newStart < oldStart THEN newStart ELSE oldStart END
