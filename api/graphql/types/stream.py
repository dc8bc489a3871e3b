"""GraphQL types of value streams and their stages."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.types.analysis.value_stream import StreamAnalyses
from api.graphql.types.flow import FlowScope
from api.graphql.types.organisation import Named, Product, SkillLevel, Tool, skill_levels
from api.graphql.types.resolve import follow_many, follow_one, text
from graph.metrics.flow import ScopeKind
from graph.model import Traversal

if TYPE_CHECKING:
    from api.graphql.types.work import WorkItem

WorkItemRef = Annotated["WorkItem", strawberry.lazy("api.graphql.types.work")]


@strawberry.type(description="The path value takes through a product, as ordered stages.")
class ValueStream(Named, FlowScope, StreamAnalyses):
    flow_scope = ScopeKind.VALUE_STREAM

    @strawberry.field(description="The product the value stream belongs to.")
    async def product(self, info: Info) -> Product | None:
        return await follow_one(info, Traversal.VALUE_STREAM_PRODUCT, self, Product)

    @strawberry.field(description="Stages of the value stream, in their `order`.")
    async def stages(self, info: Info) -> list["Stage"]:
        return await follow_many(info, Traversal.VALUE_STREAM_STAGES, self)


@strawberry.type(
    description="A step of a value stream. Its `state` says how time in it counts: new "
    "(not started), active (being worked on), waiting (queued), done (finished)."
)
class Stage(Named):
    @strawberry.field(description="Position in the value stream, from 1.")
    def order(self) -> int:
        return int(self.domain.get("order") or 0)

    @strawberry.field(description="new, active, waiting or done.")
    def state(self) -> str:
        return text(self.domain, "state") or "new"

    @strawberry.field(description="Tool states (e.g. Jira statuses) that map to this stage.")
    def states(self) -> list[str]:
        return [str(s) for s in self.domain.get("states") or []]

    @strawberry.field(description="The value stream the stage belongs to.")
    async def value_stream(self, info: Info) -> ValueStream | None:
        return await follow_one(info, Traversal.STAGE_VALUE_STREAM, self, ValueStream)

    @strawberry.field(description="The stage(s) work moves on to (NEXT).")
    async def next(self, info: Info) -> list["Stage"]:
        return await follow_many(info, Traversal.STAGE_NEXT, self)

    @strawberry.field(description="Skills the stage needs, at the level needed (NEEDS_SKILL).")
    async def needed_skills(self, info: Info) -> list[SkillLevel]:
        return await skill_levels(info, Traversal.STAGE_NEEDED_SKILLS, self)

    @strawberry.field(description="Tools that support the stage (SUPPORTS).")
    async def tools(self, info: Info) -> list[Tool]:
        return await follow_many(info, Traversal.STAGE_TOOLS, self)


@strawberry.type(description="One stay of a work item in a stage (a revisit is a new stay).")
class StageVisit:
    stage: Stage = strawberry.field(description="The stage.")
    entered_at: datetime = strawberry.field(description="When the item entered it (UTC).")
    exited_at: datetime | None = strawberry.field(
        description="When it left (UTC); null while the item is still there."
    )
