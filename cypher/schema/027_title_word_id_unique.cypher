// cardinality: write
// Every TitleWord (a word some title held, graph/ingest/title_words.py) has a unique id,
// `scan:word`, so ingest merges a word it already knows and a search finds each once.
CREATE CONSTRAINT title_word_id_unique IF NOT EXISTS
FOR (n:TitleWord) REQUIRE n.id IS UNIQUE
