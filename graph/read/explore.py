"""Exploring the graph node by node: a page of a node's neighbourhood, a shortest path.

Both are bounded whatever the graph holds: a neighbourhood comes a page at a time (at most
MAX_NEIGHBOURS relationships), a path has at most MAX_PATH_DEPTH relationships.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from graph.db.queries import Query, cypher
from graph.db.store import GraphStore
from graph.model import Label, Node
from graph.read.entities import node_from

MAX_NEIGHBOURS = 200
MAX_PATH_DEPTH = 6


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


NEIGHBOURHOOD: dict[Label, Query] = {
    label: cypher(f"explore/neighbourhood/{_snake(label)}") for label in Label
}
GROUPS: dict[Label, Query] = {
    label: cypher(f"explore/neighbour_groups/{_snake(label)}") for label in Label
}
SHORTEST_PATH = cypher("explore/shortest_path")

# Only nodes of the model are shown, never internal ones (sync cursors).
_MODEL_LABELS = [label.value for label in Label]


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
    the first page of them (by the other node's id)."""

    type: str
    outgoing: bool
    label: Label
    count: int
    nodes: list[Node]
    edges: list[Edge]


async def groups(store: GraphStore, node: Node, per: int = 0) -> list[Group]:
    """The node's relationships grouped by type, direction and the other end's label (by
    type, outgoing first), each with its first `per` (0..MAX_GROUP_PAGE) relationships:
    what the explorer draws first, in one pass over the node's relationships."""
    rows = await store.read(
        GROUPS[node.label],
        key=node.id,
        labels=_MODEL_LABELS,
        per=max(0, min(per, MAX_GROUP_PAGE)),
    )
    found: dict[tuple[str, bool, str], Group] = {}
    for r in rows:
        group = found.setdefault(
            (r["type"], r["outgoing"], r["label"]),
            Group(r["type"], r["outgoing"], Label(r["label"]), r["total"], [], []),
        )
        if r["rel"] is None:
            continue
        other = node_from(r["node"], r["labels"])
        group.nodes.append(other)
        start, end = (node, other) if r["outgoing"] else (other, node)
        group.edges.append(Edge(str(r["rel"]), r["type"], start, end))
    return list(found.values())


async def neighbourhood(
    store: GraphStore,
    node: Node,
    first: int,
    skip: int = 0,
    types: Sequence[str] | None = None,
    outgoing: bool | None = None,
    other_label: Label | None = None,
) -> Neighbourhood:
    """Relationships `skip`..`skip + first` of `node` (by type, then other id), of `types`,
    in one direction (`outgoing`: from the node) and to `other_label` nodes if given."""
    size = clamp_page(first)
    rows = await store.read(
        NEIGHBOURHOOD[node.label],
        key=node.id,
        types=list(types) if types else None,
        outgoing=outgoing,
        labels=[other_label.value] if other_label else _MODEL_LABELS,
        skip=max(0, skip),
        first=size + 1,
    )
    nodes: dict[tuple[Label, str], Node] = {}
    edges = []
    for row in rows[:size]:
        other = node_from(row["node"], row["labels"])
        nodes.setdefault((other.label, other.id), other)
        start, end = (node, other) if row["outgoing"] else (other, node)
        edges.append(Edge(str(row["rel"]), row["type"], start, end))
    return Neighbourhood(node, list(nodes.values()), edges, len(rows) > size)


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
