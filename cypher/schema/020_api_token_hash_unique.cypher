// cardinality: write
// Every ApiToken's secret hash is unique: a request's token is found by its hash alone.
CREATE CONSTRAINT api_token_hash_unique IF NOT EXISTS
FOR (n:ApiToken) REQUIRE n.tokenHash IS UNIQUE
