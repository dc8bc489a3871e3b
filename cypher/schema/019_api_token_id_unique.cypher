// cardinality: write
// Every ApiToken (API authentication, graph/tokens.py) has a unique id.
CREATE CONSTRAINT api_token_id_unique IF NOT EXISTS
FOR (n:ApiToken) REQUIRE n.id IS UNIQUE
