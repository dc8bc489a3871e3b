// cardinality: write
// Creates Release nodes that do not exist yet (ingest checked); no rows. CREATE, not
// MERGE, and every property written out rather than `SET n += row.properties`: the
// embedded database writes it several times faster. An absent property is null, and
// CREATE stores no null. tests/unit/test_ingest_statements.py checks the list is the
// model's.
UNWIND $rows AS row
CREATE (n:Release {
  id: row.id,
  source: row.properties.source,
  url: row.properties.url,
  name: row.properties.name,
  releasedAt: row.properties.releasedAt,
  version: row.properties.version
})
