"""A bounded subgraph around a value stream or product, as a networkx graph.

`vsg export` writes it for Gephi, yEd and friends. The subgraph holds every node within
`depth` relationships (either direction) of the start node, and every relationship
between two of those nodes: it is read one ring at a time (`explore/subgraph/expand`),
then the relationships among the outermost ring (`explore/subgraph/link`). Nodes are
keyed `Label:id` (the GraphQL node id), with attributes `label`, `id`, `name` (its name
or title), `kind` for work items, and every scalar property (times as ISO strings;
lists and maps left out); relationships carry `type` and their scalar properties.

Bounded: more than `max_nodes` nodes, or one ring read bringing more than
`RELATIONSHIPS_PER_NODE` times that many relationships, raises `TooLarge` rather than
reading on (each query stops one row past the bound).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import networkx as nx

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.errors import GraphError, NotFound
from graph.model import Label, WorkItemKind

EXPAND = cypher("explore/subgraph/expand")
LINK = cypher("explore/subgraph/link")
RELATIONSHIPS_PER_NODE = 10

_LABELS = frozenset(label.value for label in Label)
_KINDS = frozenset(kind.value for kind in WorkItemKind)


class SubgraphScope(StrEnum):
    """Where a subgraph starts."""

    VALUE_STREAM = "value_stream"
    PRODUCT = "product"


START = {
    SubgraphScope.VALUE_STREAM: cypher("explore/subgraph/find_value_stream"),
    SubgraphScope.PRODUCT: cypher("explore/subgraph/find_product"),
}
START_LABEL = {SubgraphScope.VALUE_STREAM: Label.VALUE_STREAM, SubgraphScope.PRODUCT: Label.PRODUCT}


class TooLarge(GraphError):
    """Raised when a subgraph is larger than the bound it was asked for."""


def scalar(value: Any) -> str | int | float | bool | None:
    """A property value as a graph-file attribute: times as ISO strings; None for
    values the formats cannot hold (lists, maps, None)."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat().replace("+00:00", "Z")
    return None


def _attributes(properties: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ((k, scalar(v)) for k, v in properties.items()) if v is not None}


def node_attributes(labels: Sequence[str], properties: Mapping[str, Any]) -> dict[str, Any]:
    """A node's attributes: its scalar properties, then label, id, name (and kind)."""
    kind = next((lb for lb in labels if lb in _KINDS), None)
    label = Label.WORK_ITEM.value if kind else next((lb for lb in labels if lb in _LABELS), None)
    out = _attributes(properties)
    out["label"] = label or (labels[0] if labels else "")
    out["id"] = str(properties.get("id", ""))
    out["name"] = str(properties.get("name") or properties.get("title") or out["id"])
    if kind:
        out["kind"] = kind
    return out


def _key(attributes: Mapping[str, Any]) -> str:
    return f"{attributes['label']}:{attributes['id']}"


#: Told after each read: the hop just read (depth + 1 for the links among the last ring),
#: and the nodes and relationships held so far.
HopProgress = Callable[[int, int, int], None]


def _quiet(hop: int, nodes: int, relationships: int) -> None:
    pass


async def load_subgraph(
    store: GraphStore,
    scope: SubgraphScope,
    id: str,
    *,
    depth: int,
    max_nodes: int,
    progress: HopProgress = _quiet,
) -> nx.MultiDiGraph[str]:
    """The nodes within `depth` relationships of the start node and the relationships
    among them; raises NotFound for an unknown start and TooLarge past the bounds."""
    if depth < 0:
        raise GraphError("depth must be 0 or more")
    found = await store.read(START[scope], id=id)
    if not found:
        raise NotFound(f"no {START_LABEL[scope]} with id {id!r}")
    max_relationships = RELATIONSHIPS_PER_NODE * max_nodes

    def too_large(what: str, hop: int) -> TooLarge:
        return TooLarge(
            f"the subgraph within {hop} hop(s) of {START_LABEL[scope]} {id!r} has more than "
            f"{what}; lower --depth (now {depth}) or raise VSG_EXPORT_MAX_NODES (now {max_nodes})"
        )

    start = found[0]["element"]
    nodes: dict[str, dict[str, Any]] = {
        start: node_attributes(found[0]["labels"], found[0]["properties"])
    }
    edges: dict[str, tuple[str, str, dict[str, Any]]] = {}

    def keep(rows: list[dict[str, Any]], hop: int) -> None:
        if len(rows) > max_relationships:
            raise too_large(f"{max_relationships} relationships", hop)
        for row in rows:
            edges[row["relationship"]] = (
                row["start"],
                row["end"],
                {**_attributes(row["properties"]), "type": row["type"]},
            )

    frontier = [start]
    for hop in range(1, depth + 1):
        rows = await store.read(EXPAND, elements=frontier, limit=max_relationships + 1)
        keep(rows, hop)
        ring = []
        for row in rows:
            if row["other"] not in nodes:
                nodes[row["other"]] = node_attributes(row["labels"], row["otherProperties"])
                ring.append(row["other"])
        if len(nodes) > max_nodes:
            raise too_large(f"{max_nodes} nodes", hop)
        progress(hop, len(nodes), len(edges))
        frontier = ring
        if not frontier:
            break
    else:
        if depth > 0:
            rows = await store.read(
                LINK, elements=frontier, within=frontier, limit=max_relationships + 1
            )
            keep(rows, depth)
            progress(depth + 1, len(nodes), len(edges))

    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for attributes in nodes.values():
        graph.add_node(_key(attributes), **attributes)
    for a, b, attributes in edges.values():
        graph.add_edge(_key(nodes[a]), _key(nodes[b]), **attributes)
    return graph
