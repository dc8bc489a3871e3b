// cardinality: rows
// Every API token, oldest first (never the hash): one row per token.
MATCH (t:ApiToken)
RETURN t.id AS id, t.name AS name, t.role AS role, t.createdAt AS createdAt,
       t.revokedAt AS revokedAt
ORDER BY createdAt, id
