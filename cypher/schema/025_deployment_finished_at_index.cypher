// cardinality: write
// Deployments by when they finished: a product's DORA figures read the deployments of
// their window through it (dora/find_product_deployments_in_window), not the product's
// whole history.
CREATE INDEX deployment_finished_at IF NOT EXISTS
FOR (n:Deployment) ON (n.finishedAt)
