// cardinality: rows
// What waits, by the label of the node it waits for: rows {label, records, oldest,
// example}, one per label.
MATCH (p:Pending)
WITH split(p.waitsFor, ':')[0] AS label, p
ORDER BY p.since
RETURN label, count(p) AS records, min(p.since) AS oldest, collect(p.waitsFor)[0] AS example
ORDER BY label
