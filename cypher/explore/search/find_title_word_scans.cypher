// cardinality: one
// For each text of $runs (lower case), the title scans (a work item kind, PullRequest,
// Incident or Feedback) of which some TitleWord contains it: one row {runs}, a list of
// [run, scans]. graph/read/entities.py reads a scan's titles only when every run of the
// search's text is in one of its words (a title that contains the text holds each run
// inside one of its words). The vocabulary is small against the titles (105,167 words
// for the million-item demo's titles), so this is a scan of it per run.
UNWIND $runs AS run
CALL (run) {
  MATCH (w:TitleWord)
  WHERE w.word CONTAINS run
  RETURN collect(DISTINCT w.scan) AS scans
}
RETURN collect([run, scans]) AS runs
