// cardinality: rows
// Which of the given ids exist, per label, in one round trip: $ids is a map from label
// to ids ({Tool: [...], Commit: [...]}; a label left out asks nothing). One row
// {found}: a map from every label to the ids among its given ones that exist; for
// WorkItem, [id, kinds] pairs (its kind labels). A batch's existence checks are one
// statement, not one per label: a webhook delivery's few ids cost one round trip.
CALL () {
  UNWIND coalesce($ids.BusinessLine, []) AS id
  MATCH (n:BusinessLine {id: id})
  RETURN collect(n.id) AS l0
}
CALL () {
  UNWIND coalesce($ids.Product, []) AS id
  MATCH (n:Product {id: id})
  RETURN collect(n.id) AS l1
}
CALL () {
  UNWIND coalesce($ids.ValueStream, []) AS id
  MATCH (n:ValueStream {id: id})
  RETURN collect(n.id) AS l2
}
CALL () {
  UNWIND coalesce($ids.Stage, []) AS id
  MATCH (n:Stage {id: id})
  RETURN collect(n.id) AS l3
}
CALL () {
  UNWIND coalesce($ids.Team, []) AS id
  MATCH (n:Team {id: id})
  RETURN collect(n.id) AS l4
}
CALL () {
  UNWIND coalesce($ids.Person, []) AS id
  MATCH (n:Person {id: id})
  RETURN collect(n.id) AS l5
}
CALL () {
  UNWIND coalesce($ids.Skill, []) AS id
  MATCH (n:Skill {id: id})
  RETURN collect(n.id) AS l6
}
CALL () {
  UNWIND coalesce($ids.Tool, []) AS id
  MATCH (n:Tool {id: id})
  RETURN collect(n.id) AS l7
}
CALL () {
  UNWIND coalesce($ids.Repository, []) AS id
  MATCH (n:Repository {id: id})
  RETURN collect(n.id) AS l8
}
CALL () {
  UNWIND coalesce($ids.Commit, []) AS id
  MATCH (n:Commit {id: id})
  RETURN collect(n.id) AS l9
}
CALL () {
  UNWIND coalesce($ids.PullRequest, []) AS id
  MATCH (n:PullRequest {id: id})
  RETURN collect(n.id) AS l10
}
CALL () {
  UNWIND coalesce($ids.Build, []) AS id
  MATCH (n:Build {id: id})
  RETURN collect(n.id) AS l11
}
CALL () {
  UNWIND coalesce($ids.Deployment, []) AS id
  MATCH (n:Deployment {id: id})
  RETURN collect(n.id) AS l12
}
CALL () {
  UNWIND coalesce($ids.Release, []) AS id
  MATCH (n:Release {id: id})
  RETURN collect(n.id) AS l13
}
CALL () {
  UNWIND coalesce($ids.Incident, []) AS id
  MATCH (n:Incident {id: id})
  RETURN collect(n.id) AS l14
}
CALL () {
  UNWIND coalesce($ids.Feedback, []) AS id
  MATCH (n:Feedback {id: id})
  RETURN collect(n.id) AS l15
}
CALL () {
  UNWIND coalesce($ids.WorkItem, []) AS id
  MATCH (n:WorkItem {id: id})
  RETURN collect([n.id, [l IN labels(n) WHERE l <> 'WorkItem']]) AS workItems
}
RETURN {
  BusinessLine: l0,
  Product: l1,
  ValueStream: l2,
  Stage: l3,
  Team: l4,
  Person: l5,
  Skill: l6,
  Tool: l7,
  Repository: l8,
  Commit: l9,
  PullRequest: l10,
  Build: l11,
  Deployment: l12,
  Release: l13,
  Incident: l14,
  Feedback: l15,
  WorkItem: workItems
} AS found
