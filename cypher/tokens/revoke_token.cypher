// cardinality: write
// Revokes the token $id (kept, for the record, with the time it was revoked; revoking
// it again keeps the first time): 0 rows if there is no such token, else 1.
MATCH (t:ApiToken {id: $id})
SET t.revokedAt = coalesce(t.revokedAt, $revokedAt)
RETURN t.id AS id, t.name AS name, t.role AS role, t.createdAt AS createdAt,
       t.revokedAt AS revokedAt
