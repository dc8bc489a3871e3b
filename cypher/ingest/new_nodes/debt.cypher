// cardinality: write
// Creates Debt work items that do not exist yet (ingest checked); no rows. CREATE, not
// MERGE, and every property written out rather than `SET n += row.properties`: the
// embedded database writes it several times faster. An absent property is null, and
// CREATE stores no null. currentStage, lastMovedAt and stateLog: its state history.
// tests/unit/test_ingest_statements.py checks the list is the model's.
UNWIND $rows AS row
CREATE (n:WorkItem:Debt {
  id: row.id,
  source: row.properties.source,
  url: row.properties.url,
  title: row.properties.title,
  flowType: row.properties.flowType,
  createdAt: row.properties.createdAt,
  priority: row.properties.priority,
  points: row.properties.points,
  description: row.properties.description,
  resolution: row.properties.resolution,
  outcome: row.properties.outcome,
  currentStage: row.properties.currentStage,
  lastMovedAt: row.properties.lastMovedAt,
  stateLog: row.properties.stateLog
})
