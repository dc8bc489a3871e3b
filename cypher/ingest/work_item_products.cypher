// One row {item, product} per given work item id that is for a product.
UNWIND $ids AS id
MATCH (w:WorkItem {id: id})-[:FOR_PRODUCT]->(p:Product)
RETURN w.id AS item, p.id AS product
