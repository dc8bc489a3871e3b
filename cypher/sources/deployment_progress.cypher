// The stored status and times of each given deployment that exists: rows {id, status,
// startedAt, finishedAt}, at most one per id (webhooks merge out-of-order statuses).
UNWIND $ids AS id
MATCH (d:Deployment {id: id})
RETURN d.id AS id, d.status AS status, d.startedAt AS startedAt, d.finishedAt AS finishedAt
