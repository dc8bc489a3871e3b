// cardinality: one
// Timestamps that contradict each other: a pull request merged before it was created, a
// deployment finished before it started, an incident resolved before it was created, a
// successful deployment that finished before the merge of a pull request whose merge
// commit it shipped (SHIPPED or listed). One row {count, examples}: examples
// "<label> <id>: <what>" (up to $examples).
CALL () {
  MATCH (pr:PullRequest) WHERE pr.mergedAt < pr.createdAt
  RETURN 'PullRequest ' + pr.id + ': merged before created' AS finding
  UNION ALL
  MATCH (d:Deployment) WHERE d.finishedAt < d.startedAt
  RETURN 'Deployment ' + d.id + ': finished before started' AS finding
  UNION ALL
  MATCH (i:Incident) WHERE i.resolvedAt < i.createdAt
  RETURN 'Incident ' + i.id + ': resolved before created' AS finding
  UNION ALL
  MATCH (d:Deployment)-[:SHIPPED]->(:Commit)<-[:MERGED_AS]-(pr:PullRequest)
  WHERE toLower(d.status) = 'success' AND d.finishedAt < pr.mergedAt
  RETURN 'Deployment ' + d.id + ': finished before the merge of ' + pr.id AS finding
  UNION ALL
  MATCH (d:Deployment)
  WHERE d.commits IS NOT NULL AND toLower(d.status) = 'success'
  UNWIND d.commits AS commitId
  MATCH (:Commit {id: commitId})<-[:MERGED_AS]-(pr:PullRequest)
  WHERE d.finishedAt < pr.mergedAt
    AND NOT EXISTS { (d)-[:SHIPPED]->(:Commit {id: commitId}) }
  RETURN 'Deployment ' + d.id + ': finished before the merge of ' + pr.id AS finding
}
WITH finding ORDER BY finding
RETURN count(finding) AS count, collect(finding)[0..$examples] AS examples
