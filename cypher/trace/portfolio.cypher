// The product of the work item or of its nearest ancestor that has one, with its business
// line: at most one row {product, productLabels, businessLine, businessLineLabels}.
// Walked up from the item: with the unbound end written first the embedded database
// starts from every work item (hundreds of ms at 100,000 items; ~3 ms this way round).
MATCH (w:WorkItem {id: $id})
MATCH path = (w)<-[:PARENT_OF*0..12]-(x:WorkItem)
MATCH (x)-[:FOR_PRODUCT]->(p:Product)
OPTIONAL MATCH (b:BusinessLine)-[:OWNS]->(p)
RETURN p {.*} AS product, labels(p) AS productLabels,
       b {.*} AS businessLine, labels(b) AS businessLineLabels
ORDER BY length(path)
LIMIT 1
