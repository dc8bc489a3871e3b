// The product of the work item or of its nearest ancestor that has one, with its business
// line: at most one row {product, productLabels, businessLine, businessLineLabels}.
MATCH path = (x:WorkItem)-[:PARENT_OF*0..12]->(:WorkItem {id: $id})
MATCH (x)-[:FOR_PRODUCT]->(p:Product)
OPTIONAL MATCH (b:BusinessLine)-[:OWNS]->(p)
RETURN p {.*} AS product, labels(p) AS productLabels,
       b {.*} AS businessLine, labels(b) AS businessLineLabels
ORDER BY length(path)
LIMIT 1
