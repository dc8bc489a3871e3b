// cardinality: rows
// Every stored property of every API token, as the database holds it (for checks that
// no secret is stored): one row per token.
MATCH (t:ApiToken)
RETURN t {.*} AS token
