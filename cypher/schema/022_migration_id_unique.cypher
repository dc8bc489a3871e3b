// cardinality: write
// Every Migration (a data migration that has run, graph/migrations.py) has a unique id.
CREATE CONSTRAINT migration_id_unique IF NOT EXISTS
FOR (n:Migration) REQUIRE n.id IS UNIQUE
