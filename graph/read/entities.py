"""Reading entities: nodes by id, pages of nodes, search (relations: relations.py).

Every function takes many keys at once and answers in their order, so the API's
DataLoaders can turn a nested query into one round trip per relation, not per parent.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.db.queries import Query, cypher
from graph.db.store import GraphStore, Row, collected
from graph.model import TITLED, Label, Node, WorkItemKind


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


BY_IDS: dict[Label, Query] = {label: cypher(f"nodes/by_ids/{_snake(label)}") for label in Label}
LIST: dict[Label, Query] = {
    label: cypher(f"nodes/list/{_snake(label)}") for label in Label if label is not Label.WORK_ITEM
}
COUNT: dict[Label, Query] = {
    label: cypher(f"nodes/count/{_snake(label)}") for label in Label if label is not Label.WORK_ITEM
}
LIST_WORK_ITEMS = cypher("nodes/list_work_items")
COUNT_WORK_ITEMS = cypher("nodes/count_work_items")
SEARCH_KEYS = cypher("explore/search/keys")
SEARCH_NAMES = cypher("explore/search/names")
SEARCH_PREFIX = {label: cypher(f"explore/search/prefix_of_{_snake(label)}") for label in Label}
SEARCH_TITLES = {
    label: cypher(f"explore/search/titles_of_{_snake(label)}") for label in sorted(TITLED, key=str)
}
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


async def search(
    store: GraphStore, text: str, labels: Sequence[str] | None, first: int
) -> list[Node]:
    """Nodes whose id is `text` or starts with it (as typed; for work items also in
    capitals), or whose name or title contains it (ignoring case): exact ids first, then
    exact names, then label by label (`SEARCH_ORDER`) id matches before name matches.

    Every id lookup goes through an index, one statement per label; names are read from
    the organisation's few nodes, and titles (of labels with millions of nodes) only of
    the wanted labels, each scan stopping at `first` matches (docs/explorer.md)."""
    # Always a label list: the graph also holds internal nodes (sync cursors) that are no
    # part of the model and must not turn up.
    wanted = list(labels) if labels else [label.value for label in Label]
    lower, upper, base = text.lower(), text.upper(), {"labels": wanted, "first": first}
    exact = store.read(SEARCH_KEYS, text=text, upper=upper, labels=wanted)
    reads = [store.read(SEARCH_NAMES, lower=lower, **base)]
    for label in Label:
        if _wants(label, wanted):
            prefixes = {text, upper} if label is Label.WORK_ITEM else {text}
            reads += [store.read(SEARCH_PREFIX[label], prefix=p, **base) for p in prefixes]
            if label in SEARCH_TITLES:
                reads.append(store.read(SEARCH_TITLES[label], lower=lower, **base))
    exact_rows, *other_rows = await asyncio.gather(exact, *reads)
    matches = [node_from(p, ls) for rows in other_rows for p, ls in collected(rows, "found")]

    def rank(node: Node) -> tuple[int, int, int, str]:
        name = str(node.properties.get("name") or node.properties.get("title") or "").lower()
        exact = name == lower
        by_id = node.id.startswith(text) or node.id.startswith(upper)
        return (0 if exact else 1, SEARCH_ORDER[node.label], 0 if by_id else 1, node.id)

    # Exact ids (already by id); then exact names; then by label, the organisation's
    # first (a product before its many releases and builds); within a label, id matches
    # before name matches, by id. Each node once.
    exacts = [node_from(p, ls) for p, ls in collected(exact_rows, "found")]
    ranked = {(n.label, n.id): n for n in exacts}
    for node in sorted(matches, key=rank):
        ranked.setdefault((node.label, node.id), node)
    return list(ranked.values())[:first]
