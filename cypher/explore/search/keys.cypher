// cardinality: one
// The nodes with one of $labels whose id is $text, or $upper (keys such as PAY-123 are
// upper case): one row {found}, a list of [properties, labels] by id. Each branch is a
// lookup in a label's id index (a MATCH by id with no label would make the embedded
// database scan every node).
CALL () {
  MATCH (n:BusinessLine {id: $text}) RETURN n
  UNION
  MATCH (n:BusinessLine {id: $upper}) RETURN n
  UNION
  MATCH (n:Product {id: $text}) RETURN n
  UNION
  MATCH (n:Product {id: $upper}) RETURN n
  UNION
  MATCH (n:ValueStream {id: $text}) RETURN n
  UNION
  MATCH (n:ValueStream {id: $upper}) RETURN n
  UNION
  MATCH (n:Stage {id: $text}) RETURN n
  UNION
  MATCH (n:Stage {id: $upper}) RETURN n
  UNION
  MATCH (n:Team {id: $text}) RETURN n
  UNION
  MATCH (n:Team {id: $upper}) RETURN n
  UNION
  MATCH (n:Person {id: $text}) RETURN n
  UNION
  MATCH (n:Person {id: $upper}) RETURN n
  UNION
  MATCH (n:Skill {id: $text}) RETURN n
  UNION
  MATCH (n:Skill {id: $upper}) RETURN n
  UNION
  MATCH (n:Tool {id: $text}) RETURN n
  UNION
  MATCH (n:Tool {id: $upper}) RETURN n
  UNION
  MATCH (n:WorkItem {id: $text}) RETURN n
  UNION
  MATCH (n:WorkItem {id: $upper}) RETURN n
  UNION
  MATCH (n:Repository {id: $text}) RETURN n
  UNION
  MATCH (n:Repository {id: $upper}) RETURN n
  UNION
  MATCH (n:Commit {id: $text}) RETURN n
  UNION
  MATCH (n:Commit {id: $upper}) RETURN n
  UNION
  MATCH (n:PullRequest {id: $text}) RETURN n
  UNION
  MATCH (n:PullRequest {id: $upper}) RETURN n
  UNION
  MATCH (n:Build {id: $text}) RETURN n
  UNION
  MATCH (n:Build {id: $upper}) RETURN n
  UNION
  MATCH (n:Deployment {id: $text}) RETURN n
  UNION
  MATCH (n:Deployment {id: $upper}) RETURN n
  UNION
  MATCH (n:Release {id: $text}) RETURN n
  UNION
  MATCH (n:Release {id: $upper}) RETURN n
  UNION
  MATCH (n:Incident {id: $text}) RETURN n
  UNION
  MATCH (n:Incident {id: $upper}) RETURN n
  UNION
  MATCH (n:Feedback {id: $text}) RETURN n
  UNION
  MATCH (n:Feedback {id: $upper}) RETURN n
}
WITH n
WHERE any(label IN labels(n) WHERE label IN $labels)
WITH n
ORDER BY n.id
RETURN collect([n {.*}, labels(n)]) AS found
