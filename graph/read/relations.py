"""Following relations in batches: the nodes reached from many parents at once.

Every function takes many parent keys at once and answers in their order, so the API's
DataLoaders can turn a nested query into one round trip per relation, not per parent.
Each relation field follows a `Traversal` of the model (graph/model.py), whose statement
tools/gen_cypher.py generates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.db.queries import Query, cypher
from graph.db.store import GraphStore, collected
from graph.model import Node, Traversal
from graph.read.entities import node_from


@dataclass(frozen=True)
class Related:
    """A node reached over a relation, with the relationship's properties."""

    node: Node
    rel: Mapping[str, Any]


#: Every traversal's statement, bound at import: a missing file fails at start-up.
TRAVERSALS: Mapping[Traversal, Query] = {t: cypher(t.statement) for t in Traversal}


async def follow(
    store: GraphStore, traversal: Traversal, keys: Sequence[str]
) -> list[list[Related]]:
    """For each parent id in `keys`, the nodes reached over `traversal`, in its order."""
    rows = await store.read(TRAVERSALS[traversal], ids=list(dict.fromkeys(keys)))
    grouped: dict[str, list[Related]] = defaultdict(list)
    for key, properties, labels, rel_properties in collected(rows, "related"):
        grouped[key].append(Related(node_from(properties, labels), rel_properties or {}))
    return [grouped.get(k, []) for k in keys]


@dataclass(frozen=True)
class RelatedPage:
    """One parent's page of related nodes, and how many follow the cursor in all."""

    nodes: list[Node]
    total: int


async def follow_page(
    store: GraphStore, traversal: Traversal, keys: Sequence[str], first: int, after: str | None
) -> list[RelatedPage]:
    """For each parent id, the first `first` nodes reached over a paged `traversal` after
    id `after`, by id."""
    rows = await store.read(
        TRAVERSALS[traversal], ids=list(dict.fromkeys(keys)), first=first, after=after
    )
    pages = {
        key: RelatedPage([node_from(p, ls) for p, ls in found], int(total))
        for key, found, total in collected(rows, "pages")
    }
    return [pages.get(k, RelatedPage([], 0)) for k in keys]
