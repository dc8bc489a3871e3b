"""Helpers resolvers share: following relations through the request's loaders.

A relation field is one line: `follow_many` or `follow_one` with the `Traversal` it
follows (graph/model.py). The table binds every traversal's statement when graph/ is
imported, so a missing file fails at start-up, and a misspelt traversal is an unknown
attribute that mypy and ruff report before anything runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from api.graphql.context import Info
from api.graphql.types.base import Node
from graph.model import Node as DomainNode
from graph.model import Traversal
from graph.read.relations import Related

N = TypeVar("N", bound=Node)


async def related(info: Info, traversal: Traversal, parent: Node) -> list[Related]:
    """Nodes reached from `parent` over `traversal`, with the relationships' properties
    (batched per request)."""
    return await info.context.loaders.related(traversal).load(parent.domain.id)


async def follow_many(info: Info, traversal: Traversal, parent: Node) -> list[Any]:
    """The GraphQL objects of the nodes reached from `parent` over `traversal`, in its
    order: each of the type of its label (`TYPES`), which the traversal fixes, so the
    field's annotation is their type."""
    # Imported here: api.types.convert imports every module of types, these among them.
    from api.graphql.types.convert import to_graphql

    return [to_graphql(r.node) for r in await related(info, traversal, parent)]


async def follow_one(info: Info, traversal: Traversal, parent: Node, kind: type[N]) -> N | None:
    """The first node reached from `parent` over `traversal`, as a `kind`, or None."""
    found = await related(info, traversal, parent)
    return kind.from_domain(found[0].node) if found else None


def text(node: DomainNode, key: str) -> str | None:
    """A string property, or None."""
    value = node.get(key)
    return None if value is None else str(value)


def number(node: DomainNode, key: str) -> float | None:
    """A numeric property as float, or None."""
    value: Any = node.get(key)
    return None if value is None else float(value)


def when(node: DomainNode, key: str) -> datetime | None:
    """A datetime property, or None."""
    return node.time(key)
