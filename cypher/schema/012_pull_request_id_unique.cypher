// cardinality: write
// Every PullRequest has a unique id (also its lookup index).
CREATE CONSTRAINT pull_request_id_unique IF NOT EXISTS
FOR (n:PullRequest) REQUIRE n.id IS UNIQUE
