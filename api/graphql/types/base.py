"""What every GraphQL node type shares: global ids, the Node interface, connections."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Generic, Self, TypeVar

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from graph.errors import InvalidArgument
from graph.model import Label
from graph.model import Node as DomainNode

T = TypeVar("T")

MAX_PAGE = 500
DEFAULT_PAGE = 50


def global_id(label: Label | str, key: str) -> str:
    """The GraphQL id of a node: `Label:key` (ids are unique per label only)."""
    return f"{label}:{key}"


def split_global_id(value: str) -> tuple[Label, str] | None:
    """The label and key of a global id, or None if it is not one."""
    label, sep, key = value.partition(":")
    if not sep or not key:
        return None
    try:
        return Label(label), key
    except ValueError:
        return None


def encode_cursor(key: str) -> str:
    """An opaque cursor for the node with id `key`."""
    return base64.urlsafe_b64encode(f"after:{key}".encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    """The node id a cursor points after (None for the start)."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgument(f"invalid cursor {cursor!r}") from None
    if not text.startswith("after:"):
        raise InvalidArgument(f"invalid cursor {cursor!r}")
    return text.removeprefix("after:")


def page_size(first: int) -> int:
    """Clamp a requested page size to 1..MAX_PAGE."""
    return max(1, min(first, MAX_PAGE))


@strawberry.interface(description="Anything in the graph that can be fetched by its id.")
class Node:
    # The domain value behind the GraphQL object; every field reads from it.
    domain: strawberry.Private[DomainNode]

    @classmethod
    def from_domain(cls, node: DomainNode) -> Self:
        """Wrap a domain node."""
        return cls(domain=node)

    @strawberry.field(description="Global id `Label:key`, accepted by `node(id:)`.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id(self.domain.label, self.domain.id))

    @strawberry.field(description="The id of the node in its source tool, e.g. PAY-123.")
    def key(self) -> str:
        return self.domain.id

    @strawberry.field(description="Id of the Tool the node came from, if known.")
    def source(self) -> str | None:
        value = self.domain.get("source")
        return None if value is None else str(value)


@strawberry.type(description="Where a page ends and whether another follows.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null on an empty page."
    )


@strawberry.type(description="An item of a connection with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, in id order (Relay cursor connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total: strawberry.Private[int | None]

    @strawberry.field(
        description="How many items the list holds in all (after the cursor, for nested "
        "lists). Counting a long list costs a read of every item: ask only when needed."
    )
    def total_count(self) -> int:
        if self.total is None:
            # Lists count only when the request selects totalCount (`selects`), so this
            # cannot happen unless that check is wrong: fail loudly, never answer 0.
            raise RuntimeError("the list was not counted")
        return self.total

    @classmethod
    def build(
        cls, items: Sequence[T], keys: Sequence[str], has_next: bool, total: int | None
    ) -> Connection[T]:
        """A connection from items and their ids; `total` None if not counted."""
        edges = [Edge(cursor=encode_cursor(k), node=i) for i, k in zip(items, keys, strict=True)]
        end = edges[-1].cursor if edges else None
        return cls(
            edges=edges, page_info=PageInfo(has_next_page=has_next, end_cursor=end), total=total
        )


def selects(info: Info, *path: str) -> bool:
    """Whether the request selects the field at `path` under the field being resolved:
    `selects(info, "totalCount")` a direct child, `selects(info, "leadTime", "perChange")`
    a grandchild (through fragments too, whatever their type conditions and directives:
    when in doubt, yes)."""
    level: list[Selection] = [s for field in info.selected_fields for s in field.selections]
    for name in path:
        matches = [field for field in _fields(level) if field.name == name]
        if not matches:
            return False
        level = [s for field in matches for s in field.selections]
    return True


def _fields(selections: Sequence[Selection]) -> list[SelectedField]:
    """The fields among `selections`, those inside fragments included."""
    pending, fields = list(selections), []
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            fields.append(selection)
        else:
            pending += selection.selections
    return fields
