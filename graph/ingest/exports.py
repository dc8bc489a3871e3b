"""Importing a tool export file: convert it, keeping links to nodes outside the file.

A converter sees one file. A parent issue on another Jira page, or a commit from an
earlier GitHub export, is outside it but may well be in the graph already, or arrive
later. So a source that can (`Source.convert_keeping_links`) converts keeping links to
nodes outside the file, and ingest writes those whose other end is in the graph and
keeps the rest waiting for it (docs/ingest.md, "Late references"), with a note each here:
pages and exports can be imported one at a time, in any order of arrival.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from graph.db.store import GraphStore
from graph.ingest.records import NodeRecord, Record, Ref, RelationshipRecord
from graph.ingest.service import StoreLookup
from graph.ingest.sources.mapping import MissingLinks, SourceMapping
from graph.ingest.sources.payload import Converted
from graph.ingest.sources.registry import Source
from graph.model import Label

#: What a link may point to outside one file: other issues, other exports' commits.
OUTSIDE_LABELS = frozenset({Label.WORK_ITEM, Label.COMMIT})


@dataclass(frozen=True)
class Export:
    """A converted export and whether its outside links still need the graph's check."""

    converted: Converted
    links_to_check: bool


def convert(source: Source, data: bytes, mapping: SourceMapping) -> Export:
    """Convert an export (pure; raises PayloadError for a malformed payload)."""
    # `missingLinks: keep` means every link must be written (or the import refused).
    if source.convert_keeping_links is None or mapping.missing_links is MissingLinks.KEEP:
        return Export(source.convert(data, mapping), links_to_check=False)
    return Export(source.convert_keeping_links(data, mapping), links_to_check=True)


async def records_to_write(store: GraphStore, export: Export) -> tuple[list[Record], list[str]]:
    """The export's records, and a note on each link to an issue or commit that is in
    neither the file nor the graph: ingest keeps it waiting until that node arrives."""
    records = list(export.converted.records)
    if not export.links_to_check:
        return records, []
    in_file = {r.ref for r in records if isinstance(r, NodeRecord)}
    outside: dict[Label, set[str]] = defaultdict(set)
    for record in records:
        if isinstance(record, RelationshipRecord):
            for end in (record.start, record.end):
                if end.label in OUTSIDE_LABELS and end not in in_file:
                    outside[end.label].add(end.id)
    lookup = StoreLookup(store)
    in_graph = {
        Ref(label, i)
        for label, ids in outside.items()
        for i in await lookup.existing(label, sorted(ids))
    }

    def missing(end: Ref) -> bool:
        return end.label in OUTSIDE_LABELS and end not in in_file and end not in in_graph

    notes = [
        f"{export.converted.origin(record.line)}: {record.type} from {record.start.label} "
        f"{record.start.id!r} to {record.end.label} {record.end.id!r} waits: "
        "not in this file nor in the graph yet"
        for record in records
        if isinstance(record, RelationshipRecord) and (missing(record.start) or missing(record.end))
    ]
    return records, notes
