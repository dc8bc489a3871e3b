"""The nodes the analyses' results name, by id, through the request's DataLoaders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.graphql.context import Info
from graph.model import Label

if TYPE_CHECKING:
    from api.graphql.types.delivery import Commit
    from api.graphql.types.organisation import Person, Skill, Team
    from api.graphql.types.stream import Stage
    from api.graphql.types.work import WorkItem

StageRef = Annotated["Stage", strawberry.lazy("api.graphql.types.stream")]
TeamRef = Annotated["Team", strawberry.lazy("api.graphql.types.organisation")]
SkillRef = Annotated["Skill", strawberry.lazy("api.graphql.types.organisation")]
PersonRef = Annotated["Person", strawberry.lazy("api.graphql.types.organisation")]
WorkItemRef = Annotated["WorkItem", strawberry.lazy("api.graphql.types.work")]
CommitRef = Annotated["Commit", strawberry.lazy("api.graphql.types.delivery")]


async def of_label(info: Info, label: Label, ids: list[str]) -> list[Any]:
    """The GraphQL objects of the nodes of `label` with these ids, in order; unknown ones left
    out."""
    # Any: the GraphQL type follows the label (to_graphql), which mypy cannot see.
    # Imported here, not above: convert imports every node type, ValueStream among
    # them, whose analysis fields (value_stream.py) import the modules that import this
    # one, so this is the one place the cycle can close, at call time.
    from api.graphql.types.convert import to_graphql

    found = await info.context.loaders.node(label).load_many(ids)
    return [to_graphql(n) for n in found if n is not None]


async def stages(info: Info, ids: list[str]) -> list[Stage]:
    """The stages with these ids."""
    return await of_label(info, Label.STAGE, ids)


async def teams(info: Info, ids: list[str]) -> list[Team]:
    """The teams with these ids."""
    return await of_label(info, Label.TEAM, ids)


async def work_items(info: Info, ids: list[str]) -> list[WorkItem]:
    """The work items with these ids."""
    return await of_label(info, Label.WORK_ITEM, ids)


async def one(info: Info, label: Label, id: str | None) -> Any:
    """The GraphQL object of one node of `label`, or None (no id, or no such node)."""
    if id is None:
        return None
    found = await of_label(info, label, [id])
    return found[0] if found else None
