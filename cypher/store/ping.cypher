// cardinality: one
// One row {ok: 1}: the database is up and the database name resolves.
RETURN 1 AS ok
