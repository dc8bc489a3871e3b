"""The database: the store (the only neo4j user), the wire format, the Cypher
catalogue, the read gate, the embedded default and migrations."""
