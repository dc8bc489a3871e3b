// cardinality: write
// Creates (:Incident)-[:CAUSED_BY]->(:Deployment) relationships that cannot exist yet,
// because one end is a node this batch creates (ingest checked); no rows. CREATE, not
// MERGE, and its properties written out rather than `SET r += row.properties`: the
// embedded database writes it several times faster, and there is nothing to match.
UNWIND $rows AS row
MATCH (a:Incident {id: row.start})
MATCH (b:Deployment {id: row.end})
CREATE (a)-[:CAUSED_BY {inferred: row.properties.inferred}]->(b)
