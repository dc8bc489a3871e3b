"""Browsing the graph: node lookup, search and the top-level lists."""

from typing import TypeVar

import strawberry

from api.graphql.context import Info
from api.graphql.types.base import (
    DEFAULT_PAGE,
    Connection,
    Node,
    decode_cursor,
    page_size,
    selects,
    split_global_id,
)
from api.graphql.types.convert import TYPES, to_graphql
from api.graphql.types.organisation import BusinessLine, Product, Team, Tool
from api.graphql.types.stream import ValueStream
from api.graphql.types.work import WorkItem
from graph.model import Label
from graph.model import Node as DomainNode
from graph.model import WorkItemKind as DomainKind
from graph.read import entities
from graph.read.entities import WorkItemFilter

N = TypeVar("N", bound=Node)

# The domain enum itself, registered with GraphQL as NodeLabel.
strawberry.enum(Label, name="NodeLabel", description="A node label of the graph.")


async def _page(
    info: Info, label: Label, kind: type[N], first: int, after: str | None
) -> Connection[N]:
    page = await entities.list_nodes(
        info.context.store,
        label,
        page_size(first),
        decode_cursor(after),
        count=selects(info, "totalCount"),
    )
    return _connection(kind, page)


def _connection(kind: type[N], page: entities.Page) -> Connection[N]:
    items = [kind.from_domain(n) for n in page.nodes]
    return Connection.build(items, [n.id for n in page.nodes], page.has_next, page.total)


@strawberry.type
class Query:
    @strawberry.field(description="Any node by its global id (`Label:key`); null if none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        parsed = split_global_id(id)
        if parsed is None:
            return None
        label, key = parsed
        found: DomainNode | None = await info.context.loaders.node(label).load(key)
        return TYPES[label].from_domain(found) if found else None

    @strawberry.field(
        description="Nodes whose key is `text` or starts with it (as typed or in capitals), "
        "or whose name or title contains it (ignoring case): exact keys first, then exact "
        "names, then label by label (business lines, products, value streams, teams, "
        "stages, people, skills, tools, repositories, work items, then delivery and "
        "outcomes) the key matches before the name matches, in key order; optionally only "
        "nodes with one of `labels` or work items of one of `kinds`."
    )
    async def search(
        self,
        info: Info,
        text: str,
        labels: list[Label] | None = None,
        kinds: list[DomainKind] | None = None,
        first: int = 20,
    ) -> list[Node]:
        # A work-item kind is a label of its own, so both filters are one label filter.
        wanted = [*(labels or []), *(kinds or [])] or None
        found = await entities.search(info.context.store, text, wanted, page_size(first))
        return [to_graphql(n) for n in found]

    @strawberry.field(description="Business lines, in key order.")
    async def business_lines(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[BusinessLine]:
        return await _page(info, Label.BUSINESS_LINE, BusinessLine, first, after)

    @strawberry.field(description="Products, in key order.")
    async def products(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Product]:
        return await _page(info, Label.PRODUCT, Product, first, after)

    @strawberry.field(description="Value streams (each with its ordered stages), in key order.")
    async def value_streams(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[ValueStream]:
        return await _page(info, Label.VALUE_STREAM, ValueStream, first, after)

    @strawberry.field(description="Teams, in key order.")
    async def teams(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Team]:
        return await _page(info, Label.TEAM, Team, first, after)

    @strawberry.field(description="Tools, in key order.")
    async def tools(
        self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[Tool]:
        return await _page(info, Label.TOOL, Tool, first, after)

    @strawberry.field(description="A work item by its key (e.g. PAY-123); null if none.")
    async def work_item(self, info: Info, key: str) -> WorkItem | None:
        found = await info.context.loaders.node(Label.WORK_ITEM).load(key)
        return WorkItem.from_domain(found) if found else None

    @strawberry.field(
        description="Work items in key order, optionally only of some kinds, for a product "
        "(key) or owned by a team (key)."
    )
    async def work_items(
        self,
        info: Info,
        kinds: list[DomainKind] | None = None,
        product: str | None = None,
        team: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[WorkItem]:
        where = WorkItemFilter(
            tuple(DomainKind(k) for k in kinds) if kinds else None, product, team
        )
        page = await entities.list_work_items(
            info.context.store,
            where,
            page_size(first),
            decode_cursor(after),
            count=selects(info, "totalCount"),
        )
        return _connection(WorkItem, page)
