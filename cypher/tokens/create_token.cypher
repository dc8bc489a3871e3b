// cardinality: write
// Stores a new API token (its secret's hash only, never the secret): 1 row.
CREATE (t:ApiToken {
  id: $id,
  name: $name,
  role: $role,
  tokenHash: $tokenHash,
  createdAt: $createdAt
})
RETURN t.id AS id
