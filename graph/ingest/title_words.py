"""The title vocabulary: every word of every title ingest was given, by title scan, as
internal `TitleWord` nodes (graph/model.py), so that a search for text that no title
holds answers without reading every title (graph/read/entities.py; docs/explorer.md).

The embedded database has no full-text index and no index answers `CONTAINS`, so a
search reads titles; when its text matches nothing, it read all of them (1.4 s for a
million work items). But a title that contains the text holds each *run* of the text
(`runs`: its letters and digits between ASCII punctuation and spaces) inside one of its
*words* (`words`: the same runs of the title). So a scan whose vocabulary has no word
containing some run of the text cannot match, and is not read.

Soundness needs the vocabulary to hold every word of every stored title. Words are only
ever added, from the node records of each batch ingest writes (before same-id records
of the batch are merged), so it holds the words of every title any record carried,
whatever became of the title since: the same records give the same vocabulary in any
order, split or re-delivery. A stale word (a title since renamed) costs a search a scan
it did not need, never a result. Text with non-ASCII characters is not pruned
(`runs` gives None): lower-casing outside ASCII is where Python and the database could
disagree about what a word is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.records import NodeRecord, Record
from graph.model import TITLED, Label

ADD_TITLE_WORDS = cypher("ingest/title_words/add_title_words")
#: A word: a maximal run of characters other than ASCII punctuation, spaces and control
#: characters (so letters, digits and every non-ASCII character), in a lower-cased title.
_WORD = re.compile(r"[0-9a-z\u0080-\U0010ffff]+")


def words(title: str) -> set[str]:
    """The words of a title, lower case."""
    return set(_WORD.findall(title.lower()))


def runs(text: str) -> list[str] | None:
    """The runs of a search text that each lie inside one word of any title containing
    it; None when the vocabulary cannot rule anything out (non-ASCII text, or no letter
    or digit in it)."""
    if not text.isascii():
        return None
    found = sorted(set(_WORD.findall(text.lower())))
    return found or None


def scan_of(record: NodeRecord) -> str | None:
    """The title scan a node record's title belongs to (its kind for a work item, else
    its label), or None for a label without titles."""
    if record.label not in TITLED:
        return None
    return record.kind.value if record.label is Label.WORK_ITEM and record.kind else record.label


def title_words(records: Iterable[Record]) -> list[list[str]]:
    """[id, scan, word] of every word of every title in the node records, each once,
    sorted (rows of ingest/title_words/add_title_words)."""
    found: set[tuple[str, str]] = set()
    for record in records:
        if not isinstance(record, NodeRecord):
            continue
        scan, title = scan_of(record), record.properties.get("title")
        if scan is not None and isinstance(title, str):
            found.update((scan, word) for word in words(title))
    return [[f"{scan}:{word}", scan, word] for scan, word in sorted(found)]


async def add_title_words(store: GraphStore, entries: list[list[str]], *, batch_size: int) -> int:
    """Add the [id, scan, word] entries the vocabulary lacks; return how many were added
    (a transaction per `batch_size` entries)."""
    added = 0
    for start in range(0, len(entries), batch_size):
        rows = await store.write(ADD_TITLE_WORDS, words=entries[start : start + batch_size])
        added += int(rows[0]["words"])
    return added
