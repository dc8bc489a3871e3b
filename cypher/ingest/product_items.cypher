// cardinality: rows
// One row {id} per work item of the given products that has a state log: the items whose
// visits are derived again when their product's stage mapping changes.
UNWIND $products AS productId
MATCH (:Product {id: productId})<-[:FOR_PRODUCT]-(w:WorkItem)
WHERE w.stateLog IS NOT NULL
RETURN w.id AS id
