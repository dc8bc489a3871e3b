"""Where each sync walk stands, kept in the graph as a `(:SyncCursor)` node.

One node per walk (`github:acme/payments:pulls`, `jira:acme.atlassian.net:project = PAY`):

- `cursor`: the vendor timestamp up to which everything is in the graph; the next run
  asks only for what changed since (`since=`, `updated_after=`, `updated >= ...`);
- `resume`, `mark`: a newest-first walk that stopped midway resumes from the page URL
  `resume`, and on completion moves `cursor` to `mark`;
- `pending`: relationships met on a page whose other end was not in the graph yet (a
  parent commit on the next page), as ingest records in JSON; retried when the walk ends.
  The same JSON list keeps the items the last run skipped as invalid, each as
  `{"skipped": {source, kind, id, position, field, reason}}`, for `vsg sync status`;
  the cursor is held at the oldest of them, so the next run fetches them again.

The cursor only moves after a page's records are written, so an interrupted run resumes
with the page it was on; ingest being idempotent, fetching that page again changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.records import Record, parse_record

GET_CURSOR = cypher("sync/get_cursor")
SAVE_CURSOR = cypher("sync/save_cursor")
LIST_CURSORS = cypher("sync/list_cursors")


@dataclass(frozen=True)
class Cursor:
    """The stored position of one walk (see the module docstring)."""

    id: str
    cursor: str | None = None
    resume: str | None = None
    mark: str | None = None
    pending: tuple[dict[str, Any], ...] = ()
    updated_at: datetime | None = None
    #: Items the last run skipped as invalid (`SkippedItem.to_dict()`).
    skipped: tuple[dict[str, str], ...] = ()


def parse_pending(raws: Sequence[dict[str, Any]], first_line: int) -> list[Record]:
    """Stored pending relationships as records, numbered from `first_line`."""
    return [parse_record(raw, first_line + n) for n, raw in enumerate(raws)]


async def load_cursor(store: GraphStore, id: str) -> Cursor:
    """The walk's stored position; a fresh one if it never ran."""
    rows = await store.read(GET_CURSOR, id=id)
    if not rows:
        return Cursor(id)
    row = rows[0]
    stored = json.loads(row["pending"]) if row["pending"] else []
    pending = tuple(p for p in stored if "skipped" not in p)
    skipped = tuple(p["skipped"] for p in stored if "skipped" in p)
    return Cursor(id, row["cursor"], row["resume"], row["mark"], pending, row["updatedAt"], skipped)


async def save_cursor(store: GraphStore, cursor: Cursor, *, source: str, now: datetime) -> None:
    """Store the walk's position (one small write transaction)."""
    await store.write(
        SAVE_CURSOR,
        id=cursor.id,
        source=source,
        cursor=cursor.cursor,
        resume=cursor.resume,
        mark=cursor.mark,
        pending=_stored(cursor),
        updatedAt=now,
    )


def _stored(cursor: Cursor) -> str | None:
    kept = [*cursor.pending, *({"skipped": s} for s in cursor.skipped)]
    return json.dumps(kept) if kept else None


async def list_cursors(store: GraphStore, prefix: str = "") -> list[Cursor]:
    """Every stored walk position whose id starts with `prefix`, by id."""
    rows = await store.read(LIST_CURSORS, prefix=prefix)
    return [Cursor(r["id"], r["cursor"], r["resume"], updated_at=r["updatedAt"]) for r in rows]
