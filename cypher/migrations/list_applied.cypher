// cardinality: rows
// The data migrations already run on this database: rows {id}, one per migration.
MATCH (m:Migration)
RETURN m.id AS id
