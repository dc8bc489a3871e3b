// Up to $first nodes whose id is $text or whose name or title contains it, ignoring case,
// with one of $labels: rows {node, labels}, exact id matches first.
MATCH (n)
WHERE any(l IN labels(n) WHERE l IN $labels)
  AND (n.id = $text
       OR toLower(coalesce(n.name, n.title, '')) CONTAINS toLower($text))
RETURN n {.*} AS node, labels(n) AS labels
ORDER BY CASE WHEN n.id = $text THEN 0 ELSE 1 END, n.id
LIMIT $first
