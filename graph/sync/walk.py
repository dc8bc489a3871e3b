"""Walk a vendor listing page by page, writing each page and then moving its cursor.

A `Walk` is one listing of one source (GitHub pulls of acme/payments, Jira issues of a
JQL): how to fetch its pages from a cursor, each item's timestamp, and how to turn a page
into ingest records (the file sources' converters). `sync` runs walks in order:

1. fetch a page (and what each item needs: a pull's commits, a deployment's statuses);
2. convert it, and write it through `graph.ingest.service.ingest`; a relationship whose
   other end is in neither the page nor the graph waits in the graph for that node,
   usually on a later page (docs/ingest.md, "Late references");
3. store the cursor; only then fetch the next page.

(Cursors written before ingest kept such links itself may still hold some: they are
handed to ingest when the walk starts.)

One bad item never stops a walk: the converters leave an invalid item out and report it
(`SkippedItem`: source, id, field, reason); the page's other items are written, the walk
goes on, and so do the walks after it. The skipped items are kept on the cursor (listed
by `vsg sync status`) and the cursor is held at the oldest of them, so the next run
fetches them again: fixed in the tool, they arrive then. In strict mode (`--strict`) an
invalid item stops the walk instead, as a malformed answer does.

Two orders: `OLDEST_FIRST` (Jira's `ORDER BY updated ASC`) moves the cursor to the last
item of every page; `NEWEST_FIRST` (GitHub, GitLab) stops at the first item older than
the cursor, remembers the next page's URL to resume from, and moves the cursor to the
newest item seen when the walk completes. An item that is still open (a deployment in
progress, a draft release) holds the cursor at its own timestamp, so the next run sees
it again until it has finished.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Protocol

from graph.db.store import GraphStore
from graph.errors import InvalidInput
from graph.ingest.service import IngestReport, ingest
from graph.ingest.sources.payload import (
    Converted,
    PayloadError,
    SkippedItem,
    parse_vendor_time,
)
from graph.settings import DEFAULT_PRODUCTION_PATTERN
from graph.sync.client import ApiClient, Clock, Page, SyncError, SystemClock
from graph.sync.cursor import Cursor, load_cursor, parse_pending, save_cursor


class Order(Enum):
    """The order a listing returns its items in."""

    OLDEST_FIRST = "oldest first"
    NEWEST_FIRST = "newest first"


@dataclass(frozen=True)
class Batch:
    """One fetched page: its items and the URL of the next page (None on the last)."""

    items: list[Any]
    next: str | None


@dataclass
class Walk:
    """One listing of one source, and how to read and write it."""

    #: The cursor's id: `<tool>:<scope>:<listing>`.
    id: str
    #: The Tool id, recorded on the cursor node.
    source: str
    order: Order
    #: pages(cursor, resume): the pages from `cursor` (None: from the start), or from
    #: the page URL `resume` of an interrupted newest-first walk.
    pages: Callable[[str | None, str | None], AsyncGenerator[Batch, None]]
    #: The vendor timestamp of an item (what the cursor compares).
    stamp: Callable[[Any], str | None]
    #: The page's records (the items as `expand` left them).
    convert: Callable[[list[Any]], Converted]
    #: Fetches what each item needs beyond the listing (a pull's commits).
    expand: Callable[[list[Any]], Awaitable[list[Any]]] | None = None
    #: Whether an item is still open and must be fetched again next time.
    holds: Callable[[Any], bool] = lambda item: False
    #: The export key the page's items are converted under (`pulls`): a skipped item at
    #: `pulls[3]` is the page's fourth item, whose stamp holds the cursor.
    listing: str = ""


class Progress(Protocol):
    """What a sync reports as it goes (the CLI draws a progress bar from it)."""

    def fetched(self, walk: str, items: int) -> None:
        """A page of `items` items was fetched."""

    def wrote(self, walk: str, written: int) -> None:
        """`written` nodes, relationships and stage visits were written."""


@dataclass
class WalkStats:
    """What one walk did."""

    id: str
    pages: int = 0
    items: int = 0
    nodes: int = 0
    relationships: int = 0
    visits: int = 0
    cursor: str | None = None
    resumed: bool = False
    notes: list[str] = field(default_factory=list)
    #: Invalid items left out (they are fetched again on the next run).
    skipped: list[SkippedItem] = field(default_factory=list)

    @property
    def written(self) -> int:
        """Nodes, relationships and stage visits written (upserts count even if unchanged)."""
        return self.nodes + self.relationships + self.visits


_INDEX = re.compile(r"^(\w+)\[(\d+)\]")


def skipped_stamps(walk: Walk, items: Sequence[Any], skipped: Sequence[SkippedItem]) -> list[str]:
    """The stamps of the page's items that were skipped (to hold the cursor at)."""
    out = []
    for item in skipped:
        found = _INDEX.match(item.position)
        if found and found.group(1) == walk.listing and int(found.group(2)) < len(items):
            stamp = walk.stamp(items[int(found.group(2))])
            if stamp is not None:
                out.append(stamp)
    return out


def older(stamp: str | None, than: str | None) -> bool:
    """Whether vendor timestamp `stamp` is strictly before `than` (unknown: no)."""
    a = parse_vendor_time(stamp) if stamp else None
    b = parse_vendor_time(than) if than else None
    return a is not None and b is not None and a < b


def _newest(stamps: Sequence[str | None], start: str | None = None) -> str | None:
    best = start
    for stamp in stamps:
        if stamp is not None and (best is None or older(best, stamp)):
            best = stamp
    return best


def _oldest(stamps: Sequence[str | None], start: str | None = None) -> str | None:
    best = start
    for stamp in stamps:
        if stamp is not None and (best is None or older(stamp, best)):
            best = stamp
    return best


async def link_pages(
    client: ApiClient, path: str, params: dict[str, str], resume: str | None
) -> AsyncGenerator[Batch, None]:
    """Pages of a JSON-array listing that pages by `Link` / `X-Next-Page` headers."""
    page: Page = await client.get(resume, None) if resume else await client.get(path, params)
    while True:
        if not isinstance(page.body, list):
            raise SyncError(
                f"GET {page.url}: expected a JSON array, got {type(page.body).__name__}"
            )
        following = page.next_url
        yield Batch(page.body, following)
        if following is None:
            return
        page = await client.get(following)


async def all_items(client: ApiClient, path: str, params: dict[str, str]) -> list[Any]:
    """Every item of a paged JSON-array listing (a pull's commits, a deployment's statuses)."""
    items: list[Any] = []
    async for batch in link_pages(client, path, params, None):
        items += batch.items
    return items


class _Quiet:
    def fetched(self, walk: str, items: int) -> None:
        pass

    def wrote(self, walk: str, written: int) -> None:
        pass


class Syncer:
    """Runs walks against one store: writes pages, moves cursors."""

    def __init__(
        self,
        store: GraphStore,
        *,
        batch_size: int = 5000,
        progress: Progress | None = None,
        clock: Clock | None = None,
        full: bool = False,
        production_pattern: str = DEFAULT_PRODUCTION_PATTERN,
    ) -> None:
        """`full` ignores the stored cursors (fetches everything again, then stores them);
        `production_pattern` is the organisation's production, as `ingest` takes it."""
        self.store = store
        self.batch_size = batch_size
        self.production_pattern = production_pattern
        self.progress: Progress = progress or _Quiet()
        self.clock: Clock = clock or SystemClock()
        self.full = full

    async def _save(self, walk: Walk, cursor: Cursor) -> None:
        await save_cursor(self.store, cursor, source=walk.source, now=self.clock.now())

    async def _write(self, walk: Walk, converted: Converted, at: str) -> IngestReport:
        """Write one page's records. A relationship whose other end is not in the graph
        yet is kept waiting by ingest itself (docs/ingest.md, "Late references"),
        whichever page brings it."""
        try:
            report = await ingest(
                self.store,
                converted.records,
                batch_size=self.batch_size,
                production_pattern=self.production_pattern,
            )
        except InvalidInput as error:
            shown = "; ".join(
                f"{converted.origin(p.line)}: {p.field}: {p.message}" for p in error.problems[:5]
            )
            raise SyncError(
                f"{at}: nothing of this page was written, {len(error.problems)} invalid "
                f"record(s): {shown}. Earlier pages are written; fix this (e.g. import the "
                "organisation first) and run again: the sync resumes at this page"
            ) from None
        self.progress.wrote(walk.id, report.written)
        return report

    async def _settle(self, walk: Walk, pending: Sequence[dict[str, Any]]) -> int:
        """Write the links an older cursor kept aside (ingest writes them, or keeps them
        waiting for their other end); return how many."""
        if not pending:
            return 0
        records = parse_pending(pending, 1)
        await ingest(
            self.store,
            records,
            batch_size=self.batch_size,
            production_pattern=self.production_pattern,
        )
        self.progress.wrote(walk.id, len(records))
        return len(records)

    async def run(self, walk: Walk) -> WalkStats:
        """Fetch and write one walk from its cursor to the end; return what it did."""
        state = Cursor(walk.id) if self.full else await load_cursor(self.store, walk.id)
        stats = WalkStats(walk.id, cursor=state.cursor, resumed=state.resume is not None)
        # Links a cursor of an older vsgraph kept aside: ingest keeps them now.
        stats.relationships += await self._settle(walk, state.pending)
        state = replace(state, pending=())
        # A fresh run fetches again what the last one skipped: its list starts empty.
        skipped = [dict(s) for s in state.skipped] if state.resume else []
        floor: str | None = None  # the oldest skipped item's stamp: the cursor stays there
        since = state.cursor
        newest_first = walk.order is Order.NEWEST_FIRST
        resume = state.resume if newest_first else None
        # The cursor a newest-first walk leaves: the newest item seen, held back to the
        # oldest item still open. A resumed walk did not see the interrupted run's items:
        # their mark (which holds for those still open) caps the new cursor.
        newest = held = state.mark if resume else None
        pages = walk.pages(since, resume)
        async for batch in pages:
            stats.pages += 1
            fresh = batch.items
            if newest_first and since is not None:
                fresh = [i for i in fresh if not older(walk.stamp(i), since)]
            stop = len(fresh) < len(batch.items)
            # Only what is new is expanded (a pull's commits: one request per pull).
            if walk.expand is not None and fresh:
                fresh = await walk.expand(fresh)
            stats.items += len(fresh)
            self.progress.fetched(walk.id, len(fresh))
            at = f"{walk.id} page {stats.pages}"
            if fresh:
                try:
                    converted = walk.convert(fresh)
                except PayloadError as error:
                    raise SyncError(
                        f"{at}: the API answered an unexpected shape: {error}"
                    ) from None
                stats.notes += [n for n in converted.notes if n not in stats.notes]
                stats.skipped += converted.skipped
                skipped += [s.to_dict() for s in converted.skipped]
                floor = _oldest(skipped_stamps(walk, fresh, converted.skipped), floor)
                written = await self._write(walk, converted, at)
                stats.nodes += written.nodes
                stats.relationships += written.relationships
                stats.visits += written.visits
            stamps = [walk.stamp(i) for i in fresh]
            if newest_first:
                newest = _newest(stamps, newest)
                held = _oldest([walk.stamp(i) for i in fresh if walk.holds(i)], held)
                held = _oldest([floor], held)
                state = replace(
                    state,
                    resume=None if stop else batch.next,
                    mark=_oldest([held], newest),
                    skipped=tuple(skipped),
                )
            else:
                moved = _newest(stamps, state.cursor)
                state = replace(
                    state,
                    cursor=_oldest([floor], moved) if floor else moved,
                    skipped=tuple(skipped),
                )
            await self._save(walk, state)
            if stop or batch.next is None:
                break
        await pages.aclose()
        final = (_oldest([held], newest) or state.cursor) if newest_first else state.cursor
        state = replace(state, cursor=final, resume=None, mark=None)
        await self._save(walk, state)
        stats.cursor = final
        return stats

    async def sync(self, walks: Sequence[Walk]) -> list[WalkStats]:
        """Run the walks in order (commits before the pulls that contain them)."""
        return [await self.run(walk) for walk in walks]


def stamp_at(*path: str) -> Callable[[Any], str | None]:
    """A stamp function reading a string at a key path (`commit`, `committer`, `date`)."""

    def stamp(item: Any) -> str | None:
        value = item
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value if isinstance(value, str) else None

    return stamp
