// cardinality: one
// The token whose secret hashes to $tokenHash, revoked or not: 0 or 1 row.
MATCH (t:ApiToken {tokenHash: $tokenHash})
RETURN t.id AS id, t.name AS name, t.role AS role, t.createdAt AS createdAt,
       t.revokedAt AS revokedAt
