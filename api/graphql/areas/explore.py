"""Exploring the graph for the explorer page: neighbourhoods a page at a time, paths."""

from __future__ import annotations

import base64
from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.types.base import split_global_id
from api.graphql.types.explore import Direction, GraphPath, Neighbourhood, RelationshipGroup
from graph.errors import InvalidArgument
from graph.model import Label
from graph.model import Node as DomainNode
from graph.read import explore


def _offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, _, number = text.partition(":")
        if prefix != "offset":
            raise ValueError(text)
        return max(0, int(number))
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgument(f"invalid cursor {cursor!r}") from None


async def _load(info: Info, id: str) -> DomainNode | None:
    parsed = split_global_id(id)
    if parsed is None:
        return None
    label, key = parsed
    found: DomainNode | None = await info.context.loaders.node(label).load(key)
    return found


@strawberry.type
class Query:
    @strawberry.field(
        description="One page of the relationships of a node (global id) and the nodes at "
        "their other ends, group by group as `relationshipGroups` lists them and within a "
        "group in the database's order (stable while the node's relationships do not "
        "change), only of `relationshipTypes`, in `direction` and to `otherLabel` nodes "
        "where given (one of `relationshipGroups`, a page at a time). At most 200 "
        "relationships a page; null if no such node."
    )
    async def neighbourhood(
        self,
        info: Info,
        id: strawberry.ID,
        first: int = 50,
        after: str | None = None,
        relationship_types: list[str] | None = None,
        direction: Direction | None = None,
        other_label: Label | None = None,
    ) -> Neighbourhood | None:
        node = await _load(info, str(id))
        if node is None:
            return None
        skip = _decode_offset(after)
        outgoing = None if direction is None else direction is Direction.OUTGOING
        found = await explore.neighbourhood(
            info.context.store, node, first, skip, relationship_types, outgoing, other_label
        )
        end = _offset_cursor(skip + len(found.edges)) if found.has_next else None
        return Neighbourhood.from_domain(found, end)

    @strawberry.field(
        description="The relationships of a node (global id) grouped by type, direction and "
        "the label at the other end, with counts (by type, outgoing first), each with its "
        "first `first` relationships (0 to 50, in the database's order, as `neighbourhood` "
        "pages on): what the explorer draws, each group counted and its first page read on "
        "its own; null if there is no such node."
    )
    async def relationship_groups(
        self, info: Info, id: strawberry.ID, first: int = 0
    ) -> list[RelationshipGroup] | None:
        node = await _load(info, str(id))
        if node is None:
            return None
        per = max(0, min(first, explore.MAX_GROUP_PAGE))
        found = await explore.groups(info.context.store, node, per)
        return [
            RelationshipGroup.from_domain(g, _offset_cursor(per) if g.count > per else None)
            for g in found
        ]

    @strawberry.field(
        description="A shortest path between two nodes (global ids) over relationships of any "
        "type and direction, at most `maxDepth` (1 to 6) long; null if there is none that "
        "short or either node does not exist."
    )
    async def shortest_path(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_depth: int = 6,
    ) -> GraphPath | None:
        start, end = await _load(info, str(from_)), await _load(info, str(to))
        if start is None or end is None:
            return None
        path = await explore.shortest_path(info.context.store, start, end, max_depth)
        return GraphPath.from_domain(path) if path else None
