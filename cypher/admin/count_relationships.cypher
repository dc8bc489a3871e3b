// cardinality: rows
// One row {type, total} per relationship type present: how many relationships of it exist.
MATCH ()-[r]->()
RETURN type(r) AS type, count(r) AS total
