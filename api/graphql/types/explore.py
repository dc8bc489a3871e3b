"""What the graph explorer draws: relationships, a page of a neighbourhood, a path."""

from __future__ import annotations

from enum import Enum
from typing import Self

import strawberry

from api.graphql.types.base import Node, global_id
from api.graphql.types.convert import to_graphql
from graph.model import Label
from graph.read import explore


@strawberry.type(description="A relationship between two nodes, pointing from start to end.")
class GraphEdge:
    id: strawberry.ID = strawberry.field(description="The database's id of the relationship.")
    type: str = strawberry.field(description="Relationship type, e.g. IN_STAGE.")
    start: strawberry.ID = strawberry.field(description="Global id of the start node.")
    end: strawberry.ID = strawberry.field(description="Global id of the end node.")

    @classmethod
    def from_domain(cls, edge: explore.Edge) -> Self:
        """Wrap a domain edge."""
        return cls(
            id=strawberry.ID(edge.id),
            type=edge.type,
            start=strawberry.ID(global_id(edge.start.label, edge.start.id)),
            end=strawberry.ID(global_id(edge.end.label, edge.end.id)),
        )


@strawberry.type(
    description="One page of a node's relationships (group by group: by type, outgoing "
    "first, then the other node's label; within a group in the database's order) and the "
    "nodes at their other ends."
)
class Neighbourhood:
    node: Node = strawberry.field(description="The node whose neighbourhood this is.")
    nodes: list[Node] = strawberry.field(
        description="The neighbours on this page (each once), without the node itself."
    )
    edges: list[GraphEdge] = strawberry.field(description="The relationships of this page.")
    has_next_page: bool = strawberry.field(description="Whether more relationships follow.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; null when none follows."
    )

    @classmethod
    def from_domain(cls, found: explore.Neighbourhood, end_cursor: str | None) -> Self:
        """Wrap a domain neighbourhood page."""
        return cls(
            node=to_graphql(found.node),
            nodes=[to_graphql(n) for n in found.nodes],
            edges=[GraphEdge.from_domain(e) for e in found.edges],
            has_next_page=found.has_next,
            end_cursor=end_cursor,
        )


@strawberry.enum(description="A relationship's direction seen from a node.")
class Direction(Enum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


@strawberry.type(
    description="A node's relationships of one type and direction to nodes of one label, "
    "counted, with the first page asked for (in the database's order): page on with "
    "neighbourhood(id, relationshipTypes: [type], direction, otherLabel: label, after: "
    "endCursor)."
)
class RelationshipGroup:
    type: str = strawberry.field(description="Relationship type, e.g. HAS_VALUE_STREAM.")
    direction: Direction = strawberry.field(
        description="OUTGOING: from the node to the others; INCOMING: to it."
    )
    label: Label = strawberry.field(description="The label of the nodes at the other end.")
    count: int = strawberry.field(description="How many relationships the group holds.")
    nodes: list[Node] = strawberry.field(description="The other ends of the first page.")
    edges: list[GraphEdge] = strawberry.field(description="The first page's relationships.")
    end_cursor: str | None = strawberry.field(
        description="Pass as neighbourhood's `after` for the group's next page; null when "
        "the first page holds the whole group."
    )

    @classmethod
    def from_domain(cls, group: explore.Group, end_cursor: str | None) -> Self:
        """Wrap a domain group."""
        return cls(
            type=group.type,
            direction=Direction.OUTGOING if group.outgoing else Direction.INCOMING,
            label=group.label,
            count=group.count,
            nodes=[to_graphql(n) for n in group.nodes],
            edges=[GraphEdge.from_domain(e) for e in group.edges],
            end_cursor=end_cursor,
        )


@strawberry.type(description="A path through the graph: its nodes in order and their edges.")
class GraphPath:
    nodes: list[Node] = strawberry.field(description="The nodes from start to end.")
    edges: list[GraphEdge] = strawberry.field(
        description="The relationships, edge i joining node i and node i+1 (either way)."
    )

    @classmethod
    def from_domain(cls, path: explore.Path) -> Self:
        """Wrap a domain path."""
        return cls(
            nodes=[to_graphql(n) for n in path.nodes],
            edges=[GraphEdge.from_domain(e) for e in path.edges],
        )
