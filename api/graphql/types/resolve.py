"""Helpers resolvers share: following relations through the request's loaders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.graphql.context import Info
from graph.model import Node
from graph.read.relations import Related


async def related(info: Info, name: str, key: str) -> list[Related]:
    """Nodes reached from `key` over the relation `name` (batched per request)."""
    return await info.context.loaders.related(name).load(key)


async def related_nodes(info: Info, name: str, key: str) -> list[Node]:
    """Like `related`, without the relationship properties."""
    return [r.node for r in await related(info, name, key)]


async def one_related(info: Info, name: str, key: str) -> Node | None:
    """The first node reached over `name`, or None."""
    found = await related(info, name, key)
    return found[0].node if found else None


def text(node: Node, key: str) -> str | None:
    """A string property, or None."""
    value = node.get(key)
    return None if value is None else str(value)


def number(node: Node, key: str) -> float | None:
    """A numeric property as float, or None."""
    value: Any = node.get(key)
    return None if value is None else float(value)


def when(node: Node, key: str) -> datetime | None:
    """A datetime property, or None."""
    return node.time(key)
