// cardinality: write
// Adds each [id, scan, word] of $words (graph/ingest/title_words.py) that is not yet a
// TitleWord: one row {words}, how many were added. Words are only ever added: the
// vocabulary is every word of every title ingest was given, whatever became of the
// title since, so the same records give the same words in any order and split.
// Why the lookup before the MERGE: nearly every word of a batch is known already, and a
// lookup by the unique id does not write; MERGE still settles two writers adding one word.
UNWIND $words AS entry
OPTIONAL MATCH (known:TitleWord {id: entry[0]})
WITH entry, known
WHERE known IS NULL
MERGE (w:TitleWord {id: entry[0]})
ON CREATE SET w.scan = entry[1], w.word = entry[2]
RETURN count(*) AS words
