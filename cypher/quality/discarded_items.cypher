// cardinality: one
// Work items now done as discarded: in a done stage declared `outcome: discarded`, or
// with their own outcome `discarded`, or (no outcome) a tool resolution among
// $resolutions (lower case). They are left out of velocity, flow time, efficiency and
// distribution. One row {count, examples} (up to $examples ids).
MATCH (s:Stage {state: 'done'})
MATCH (w:WorkItem {currentStage: s.id})
WHERE s.outcome = 'discarded' OR w.outcome = 'discarded'
   OR (w.outcome IS NULL AND toLower(trim(w.resolution)) IN $resolutions)
WITH w ORDER BY w.id
RETURN count(w) AS count, collect(w.id)[0..$examples] AS examples
