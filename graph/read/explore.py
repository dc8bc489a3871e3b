"""Exploring the graph node by node: a page of a node's neighbourhood, a shortest path.

Both are bounded whatever the graph holds: a neighbourhood comes a page at a time (at most
MAX_NEIGHBOURS relationships), a path has at most MAX_PATH_DEPTH relationships.

A node's relationships are read group by group (`graph.model.neighbour_groups`: a type, a
direction, the label at the other end), in group order and, within a group, in the
database's own order: counting a group and reading a page of it then cost what the page
holds, not what the node holds (a product or a done stage has over 100,000
relationships, and sorting them by the other node's id read every one of those nodes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.db.queries import Query, cypher, snake
from graph.db.store import GraphStore, Row
from graph.model import Label, NeighbourGroup, Node, RelType, neighbour_groups
from graph.read.entities import node_from

MAX_NEIGHBOURS = 200
MAX_PATH_DEPTH = 6


GROUP_PAGE: dict[Label, Query] = {
    label: cypher(f"explore/group_page/{snake(label)}") for label in Label
}
GROUPS: dict[Label, Query] = {
    label: cypher(f"explore/neighbour_groups/{snake(label)}") for label in Label
}
SHORTEST_PATH = cypher("explore/shortest_path")


@dataclass(frozen=True)
class Edge:
    """A relationship between two nodes: its database id, type and direction."""

    id: str
    type: str
    start: Node
    end: Node


@dataclass(frozen=True)
class Neighbourhood:
    """One page of a node's relationships and the nodes at their other ends."""

    node: Node
    nodes: list[Node]
    edges: list[Edge]
    has_next: bool


@dataclass(frozen=True)
class Path:
    """A path: its nodes in order and the relationships joining them."""

    nodes: list[Node]
    edges: list[Edge]


def clamp_page(first: int) -> int:
    """A page size within 1..MAX_NEIGHBOURS."""
    return max(1, min(first, MAX_NEIGHBOURS))


#: The most relationships of each group `groups` returns with it.
MAX_GROUP_PAGE = 50


@dataclass(frozen=True)
class Group:
    """A node's relationships of one type, direction and other end's label, counted, with
    the first page of them (in the database's order, as `neighbourhood` pages on)."""

    type: str
    outgoing: bool
    label: Label
    count: int
    nodes: list[Node]
    edges: list[Edge]


def _group_of(row: Row) -> NeighbourGroup:
    return NeighbourGroup(RelType(row["type"]), row["outgoing"], Label(row["label"]))


def _edge(node: Node, group: NeighbourGroup, rel: Any, other: Node) -> Edge:
    start, end = (node, other) if group.outgoing else (other, node)
    return Edge(str(rel), group.type.value, start, end)


async def groups(store: GraphStore, node: Node, per: int = 0) -> list[Group]:
    """The node's relationships grouped by type, direction and the other end's label (by
    type, outgoing first), each counted and with its first `per` (0..MAX_GROUP_PAGE)
    relationships: what the explorer draws first, in one statement."""
    rows = await store.read(GROUPS[node.label], key=node.id, per=max(0, min(per, MAX_GROUP_PAGE)))
    found = []
    for r in rows:
        kind = _group_of(r)
        group = Group(kind.type.value, kind.outgoing, kind.other, r["total"], [], [])
        for rel, properties, labels in r["first"]:
            other = node_from(properties, labels)
            group.nodes.append(other)
            group.edges.append(_edge(node, kind, rel, other))
        found.append(group)
    return found


def _wanted(
    label: Label,
    types: Sequence[str] | None,
    outgoing: bool | None,
    other_label: Label | None,
) -> list[NeighbourGroup]:
    """The groups of a `label` node the filters keep, in group order."""
    return [
        g
        for g in neighbour_groups(label)
        if (types is None or g.type.value in types)
        and (outgoing is None or g.outgoing is outgoing)
        and (other_label is None or g.other is other_label)
    ]


@dataclass(frozen=True)
class _Slice:
    """Relationships `skip`..`skip + first` of one group."""

    group: NeighbourGroup
    skip: int
    first: int


def _slices(
    wanted: Sequence[NeighbourGroup], counts: Mapping[NeighbourGroup, int], skip: int, size: int
) -> tuple[list[_Slice], bool]:
    """The parts of each group that relationships `skip`..`skip + size` of the groups laid
    end to end cover, and whether any relationship follows them."""
    slices, start = [], 0
    for group in wanted:
        count = counts.get(group, 0)
        low, high = max(skip, start), min(skip + size, start + count)
        if low < high:
            slices.append(_Slice(group, low - start, high - low))
        start += count
    return slices, start > skip + size


async def neighbourhood(
    store: GraphStore,
    node: Node,
    first: int,
    skip: int = 0,
    types: Sequence[str] | None = None,
    outgoing: bool | None = None,
    other_label: Label | None = None,
) -> Neighbourhood:
    """Relationships `skip`..`skip + first` of `node` (group by group, see the module),
    of `types`, in one direction (`outgoing`: from the node) and to `other_label` nodes
    if given.

    One group (the explorer's *more*) is one bounded read of `first` + 1 relationships
    (the extra one tells whether more follow). Several are counted first, then each
    group the page reaches into is read, those reads at once."""
    size, skip = clamp_page(first), max(0, skip)
    wanted = _wanted(node.label, types, outgoing, other_label)
    if not wanted:
        return Neighbourhood(node, [], [], False)
    if len(wanted) == 1:
        rows = await _read_slice(store, node, _Slice(wanted[0], skip, size + 1))
        pages = [(wanted[0], rows[:size])]
        has_next = len(rows) > size
    else:
        counted = await store.read(GROUPS[node.label], key=node.id, per=0)
        counts = {_group_of(r): r["total"] for r in counted}
        slices, has_next = _slices(wanted, counts, skip, size)
        read = await asyncio.gather(*(_read_slice(store, node, s) for s in slices))
        pages = [(s.group, rows) for s, rows in zip(slices, read, strict=True)]
    nodes: dict[tuple[Label, str], Node] = {}
    edges = []
    for group, rows in pages:
        for row in rows:
            other = node_from(row["node"], row["labels"])
            nodes.setdefault((other.label, other.id), other)
            edges.append(_edge(node, group, row["rel"], other))
    return Neighbourhood(node, list(nodes.values()), edges, has_next)


async def _read_slice(store: GraphStore, node: Node, part: _Slice) -> list[Row]:
    return await store.read(
        GROUP_PAGE[node.label],
        key=node.id,
        type=part.group.type.value,
        outgoing=part.group.outgoing,
        label=part.group.other.value,
        skip=part.skip,
        first=part.first,
    )


async def shortest_path(store: GraphStore, start: Node, end: Node, max_depth: int) -> Path | None:
    """A shortest path of at most `max_depth` (1..6) relationships, either way; None if none."""
    if (start.label, start.id) == (end.label, end.id):
        # shortestPath() refuses a path from a node to itself; it is that node alone.
        return Path([start], [])
    rows = await store.read(
        SHORTEST_PATH,
        fromLabel=start.label.value,
        fromKey=start.id,
        toLabel=end.label.value,
        toKey=end.id,
        maxDepth=max(1, min(max_depth, MAX_PATH_DEPTH)),
    )
    if not rows:
        return None
    row = rows[0]
    nodes = [node_from(n, labels) for n, labels in zip(row["nodes"], row["labels"], strict=True)]
    edges = []
    for i, (rel, type_, forward) in enumerate(
        zip(row["rels"], row["types"], row["forward"], strict=True)
    ):
        start, end = (nodes[i], nodes[i + 1]) if forward else (nodes[i + 1], nodes[i])
        edges.append(Edge(str(rel), type_, start, end))
    return Path(nodes, edges)
