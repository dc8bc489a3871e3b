// Creates Skill nodes that do not exist yet (ingest checked); no rows. CREATE, not MERGE:
// the embedded database writes it several times faster.
UNWIND $rows AS row
CREATE (n:Skill {id: row.id})
SET n += row.properties
