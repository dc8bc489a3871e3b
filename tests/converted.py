"""Reading a source's converted records in tests."""

from __future__ import annotations

from graph.ingest.records import RelationshipRecord
from graph.ingest.sources.payload import Converted


def rels(converted: Converted, type: str) -> set[tuple[str, str]]:
    """(start id, end id) of the relationships of one type (a `RelType` or its name)."""
    return {
        (r.start.id, r.end.id)
        for r in converted.records
        if isinstance(r, RelationshipRecord) and r.type == type
    }
