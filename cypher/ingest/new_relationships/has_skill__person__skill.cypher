// Creates (:Person)-[:HAS_SKILL]->(:Skill) relationships that cannot exist yet, because one end
// is a node this batch creates (ingest checked); no rows. CREATE, not MERGE: the
// embedded database writes it twice as fast, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:Person {id: row.start})
MATCH (b:Skill {id: row.end})
CREATE (a)-[r:HAS_SKILL]->(b)
SET r += row.properties
