"""Reading entities: nodes by id, pages of nodes, search (relations: relations.py).

Every function takes many keys at once and answers in their order, so the API's
DataLoaders can turn a nested query into one round trip per relation, not per parent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.db.queries import Query, cypher, snake
from graph.db.store import GraphStore, Row, collected
from graph.ingest.title_words import runs
from graph.model import Label, Node, WorkItemKind

BY_IDS: dict[Label, Query] = {label: cypher(f"nodes/by_ids/{snake(label)}") for label in Label}
LIST: dict[Label, Query] = {
    label: cypher(f"nodes/list/{snake(label)}") for label in Label if label is not Label.WORK_ITEM
}
COUNT: dict[Label, Query] = {
    label: cypher(f"nodes/count/{snake(label)}") for label in Label if label is not Label.WORK_ITEM
}
LIST_WORK_ITEMS = cypher("nodes/list_work_items")
COUNT_WORK_ITEMS = cypher("nodes/count_work_items")
SEARCH_KEYS = cypher("explore/search/keys")
SEARCH_NAMES = cypher("explore/search/names")
SEARCH_PREFIX = {label: cypher(f"explore/search/prefix_of_{snake(label)}") for label in Label}
#: The title scans a search may send, one per titled label and, for work items, one per
#: kind (a label of its own; TITLED says which labels have titles), largest first in a
#: typical organisation. Scans are the long part of a search and the database runs a few
#: statements at once, one core each: a kind at a time, they share the cores instead of
#: one scan of every work item holding the search up (1 s for a million).
TITLE_SCANS: tuple[Label | WorkItemKind, ...] = (
    WorkItemKind.STORY, Label.PULL_REQUEST, WorkItemKind.FEATURE, WorkItemKind.DEFECT,
    WorkItemKind.DEBT, WorkItemKind.RISK, Label.FEEDBACK, WorkItemKind.EPIC,
    WorkItemKind.INITIATIVE, Label.INCIDENT,
)  # fmt: skip
SEARCH_TITLES = {scan: cypher(f"explore/search/titles_of_{snake(scan)}") for scan in TITLE_SCANS}
SEARCH_TITLE_SAMPLES = cypher("explore/search/title_samples")
SEARCH_TITLE_WORDS = cypher("explore/search/find_title_word_scans")
#: How many nodes of each title scan a search reads with its lookups, before any whole
#: scan: a few ms each, and a word that one title in a hundred of some kind holds fills a
#: page from them.
TITLE_SAMPLE = 2000
_WORK_ITEM_KINDS = frozenset(k.value for k in WorkItemKind)
#: The order search results come in, label by label: the organisation and its value
#: streams (few nodes, what people look for by name), then work, then delivery and
#: outcomes (many nodes whose ids repeat a product's name).
SEARCH_ORDER: Mapping[Label, int] = {
    label: n
    for n, label in enumerate(
        (
            Label.BUSINESS_LINE, Label.PRODUCT, Label.VALUE_STREAM, Label.TEAM, Label.STAGE,
            Label.PERSON, Label.SKILL, Label.TOOL, Label.REPOSITORY, Label.WORK_ITEM,
            Label.PULL_REQUEST, Label.COMMIT, Label.DEPLOYMENT, Label.RELEASE, Label.BUILD,
            Label.INCIDENT, Label.FEEDBACK,
        )
    )
}  # fmt: skip


def node_from(properties: Mapping[str, Any], labels: Sequence[str]) -> Node:
    """A domain Node from a node's properties and labels."""
    kind = next(
        (WorkItemKind(lb) for lb in labels if lb in WorkItemKind.__members__.values()), None
    )
    if kind is not None:
        label = Label.WORK_ITEM
    else:
        label = next(Label(lb) for lb in labels if lb in Label.__members__.values())
    return Node(label, str(properties["id"]), dict(properties), kind)


def _row_node(row: Row) -> Node:
    return node_from(row["node"], row["labels"])


async def nodes_by_ids(store: GraphStore, label: Label, ids: Sequence[str]) -> list[Node | None]:
    """The nodes of `label` with the given ids, in order; None where there is none."""
    rows = await store.read(BY_IDS[label], ids=list(dict.fromkeys(ids)))
    found = {row["key"]: _row_node(row) for row in rows}
    return [found.get(i) for i in ids]


@dataclass(frozen=True)
class Page:
    """One page of nodes in id order, whether more follow, and how many there are in all
    (None when not counted)."""

    nodes: list[Node]
    has_next: bool
    total: int | None


async def _page_of(
    first: int, page: Awaitable[list[Row]], count: Awaitable[list[Row]] | None
) -> Page:
    """The page from `first` + 1 rows (the extra one tells whether more follow)."""
    # The page and the total do not depend on each other: ask for both at once. Counting
    # costs as much as reading the page or more (every match of a filter over millions of
    # work items), so it is skipped when nobody asked for the total.
    if count is None:
        rows, total = await page, None
    else:
        rows, counted = await asyncio.gather(page, count)
        total = counted[0]["total"]
    nodes = [_row_node(r) for r in rows]
    return Page(nodes[:first], len(nodes) > first, total)


async def list_nodes(
    store: GraphStore, label: Label, first: int, after: str | None, *, count: bool = True
) -> Page:
    """Up to `first` nodes of `label` after id `after`, in id order; counted in all if
    `count`."""
    return await _page_of(
        first,
        store.read(LIST[label], first=first + 1, after=after),
        store.read(COUNT[label]) if count else None,
    )


@dataclass(frozen=True)
class WorkItemFilter:
    """Which work items a list shows: by kinds, product and team (None: any)."""

    kinds: tuple[WorkItemKind, ...] | None = None
    product: str | None = None
    team: str | None = None

    def params(self) -> dict[str, Any]:
        """The filter as query parameters."""
        kinds = [k.value for k in self.kinds] if self.kinds else None
        return {"kinds": kinds, "product": self.product, "team": self.team}


async def list_work_items(
    store: GraphStore, where: WorkItemFilter, first: int, after: str | None, *, count: bool = True
) -> Page:
    """Up to `first` work items matching `where`, after id `after`, in id order; counted
    in all if `count`."""
    return await _page_of(
        first,
        store.read(LIST_WORK_ITEMS, first=first + 1, after=after, **where.params()),
        store.read(COUNT_WORK_ITEMS, **where.params()) if count else None,
    )


def _wants(label: Label, wanted: Sequence[str]) -> bool:
    kinds = _WORK_ITEM_KINDS if label is Label.WORK_ITEM else frozenset()
    return label.value in wanted or bool(kinds & set(wanted))


def _scans(wanted: Sequence[str]) -> list[Label | WorkItemKind]:
    """The title scans a search for nodes of `wanted` labels (or kinds) needs."""
    every_item = Label.WORK_ITEM.value in wanted
    return [
        scan
        for scan in TITLE_SCANS
        if scan.value in wanted or (every_item and isinstance(scan, WorkItemKind))
    ]


#: Where a search result ranks: (0 for an exact name or title, the label's place in
#: SEARCH_ORDER, 0 for an id match, the id).
Rank = tuple[int, int, int, str]


def _ranker(text: str) -> Callable[[Node], Rank]:
    lower, upper = text.lower(), text.upper()

    def rank(node: Node) -> Rank:
        name = str(node.properties.get("name") or node.properties.get("title") or "").lower()
        exact = name == lower
        by_id = node.id.startswith(text) or node.id.startswith(upper)
        return (0 if exact else 1, SEARCH_ORDER[node.label], 0 if by_id else 1, node.id)

    return rank


def _could_show(
    scan: Label | WorkItemKind,
    exacts: Mapping[tuple[Label, str], Node],
    found: Mapping[tuple[Label, str], Node],
    rank: Callable[[Node], Rank],
    first: int,
) -> bool:
    """Whether reading the whole of `scan` could still change the first `first` results:
    fewer than `first` of those found so far rank before the title matches it would add
    or among them (exact ids; exact names; earlier labels; its label's id matches and
    title matches already found). A scan stopping at `first` matches finds some `first`
    of them, not those of the lowest ids, just as these do."""
    label = Label.WORK_ITEM if isinstance(scan, WorkItemKind) else scan
    bar: Rank = (1, SEARCH_ORDER[label], 2, "")
    before = sum(1 for key, node in found.items() if key not in exacts and rank(node) < bar)
    return len(exacts) + before < first


def _possible_scans(rows: list[Row]) -> set[str]:
    """The title scans whose vocabulary holds every run of the search's text (an answer
    of explore/search/find_title_word_scans): only their titles can contain it."""
    held = [set(scans) for _, scans in collected(rows, "runs")]
    return set.intersection(*held) if held else set()


def _by_key(rows: Iterable[list[Row]]) -> dict[tuple[Label, str], Node]:
    """The nodes of one-row `found` answers, by label and id."""
    nodes = (node_from(p, ls) for r in rows for p, ls in collected(r, "found"))
    return {(n.label, n.id): n for n in nodes}


async def search(
    store: GraphStore, text: str, labels: Sequence[str] | None, first: int
) -> list[Node]:
    """Nodes whose id is `text` or starts with it (as typed; for work items also in
    capitals), or whose name or title contains it (ignoring case): exact ids first, then
    exact names, then label by label (`SEARCH_ORDER`) id matches before name matches.

    First the lookups: every id through an index, one statement per label, the names of
    the organisation's few nodes, and the titles of the first `TITLE_SAMPLE` nodes of
    each titled label the search wants (work items a kind at a time). Then, only where
    those cannot fill the page (`_could_show`: a key's prefix such as `pay-1` fills it
    with ids, a common word with sampled titles), whole title scans (no index answers
    CONTAINS: a second or so for a million work items), each stopping at `first`
    matches, all at once so that they share the database's cores; and only of the scans
    whose title vocabulary could hold the text, asked in a round of its own then
    (graph/ingest/title_words.py: text no title holds reads no title at all). An exact
    title is found as far as the titles are read, as when a scan stops at `first`
    matches (docs/explorer.md)."""
    # Always a label list: the graph also holds internal nodes (sync cursors) that are no
    # part of the model and must not turn up.
    wanted = list(labels) if labels else [label.value for label in Label]
    lower, upper, base = text.lower(), text.upper(), {"labels": wanted, "first": first}
    scans = _scans(wanted)
    reads = [store.read(SEARCH_KEYS, text=text, upper=upper, labels=wanted)]
    reads.append(store.read(SEARCH_NAMES, lower=lower, **base))
    for label in Label:
        if _wants(label, wanted):
            prefixes = {text, upper} if label is Label.WORK_ITEM else {text}
            reads += [store.read(SEARCH_PREFIX[label], prefix=p, **base) for p in prefixes]
    if scans:
        names = [s.value for s in scans]
        sampled = {"scans": names, "sample": TITLE_SAMPLE, "lower": lower, "first": first}
        reads.append(store.read(SEARCH_TITLE_SAMPLES, **sampled))
    exact_rows, *found_rows = await asyncio.gather(*reads)
    samples = found_rows.pop() if scans else []
    exacts, rank = _by_key([exact_rows]), _ranker(text)
    found = _by_key(found_rows) | _by_key([row] for row in samples)
    needed = [s for s in scans if _could_show(s, exacts, found, rank, first)]
    # Asked only now, when a whole scan is wanted: a key or a common word fills the page
    # from the lookups, and asking every time cost a key's search 0.1 s at 1,000,000.
    if needed and (text_runs := runs(text)):
        possible = _possible_scans(await store.read(SEARCH_TITLE_WORDS, runs=text_runs))
        needed = [s for s in needed if s.value in possible]
    whole = await asyncio.gather(
        *(store.read(SEARCH_TITLES[s], lower=lower, first=first) for s in needed)
    )
    found |= _by_key(whole)
    # Exact ids (already by id); then exact names; then by label, the organisation's
    # first (a product before its many releases and builds); within a label, id matches
    # before name matches, by id. Each node once.
    ranked = dict(exacts)
    for node in sorted(found.values(), key=rank):
        ranked.setdefault((node.label, node.id), node)
    return list(ranked.values())[:first]
