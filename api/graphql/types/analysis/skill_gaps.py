"""Skill gaps: skill levels a stage needs that no member of its teams reaches."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from api.graphql.context import Info
from api.graphql.types.analysis import inputs, nodes
from api.graphql.types.analysis.nodes import SkillRef, StageRef, TeamRef
from graph.analysis import network as domain
from graph.analysis import stream as stream_analysis
from graph.model import Label

if TYPE_CHECKING:
    from api.graphql.types.organisation import Skill
    from api.graphql.types.stream import Stage


@strawberry.type(description="A skill level a stage needs that no member of its teams reaches.")
class SkillGap:
    stage_id: strawberry.Private[str]
    skill_id: strawberry.Private[str]
    team_ids: strawberry.Private[list[str]]
    needed: int = strawberry.field(description="Level the stage needs (NEEDS_SKILL), 1-5.")
    best: int = strawberry.field(
        description="Best level among the members of the stage's teams (0: nobody has it)."
    )
    shortfall: int = strawberry.field(description="needed - best.")
    at_constraint: bool = strawberry.field(description="Whether the stage is the constraint.")

    @strawberry.field(description="The stage.")
    async def stage(self, info: Info) -> StageRef | None:
        stage: Stage | None = await nodes.one(info, Label.STAGE, self.stage_id)
        return stage

    @strawberry.field(description="The skill.")
    async def skill(self, info: Info) -> SkillRef | None:
        skill: Skill | None = await nodes.one(info, Label.SKILL, self.skill_id)
        return skill

    @strawberry.field(
        description="Teams working the stage: owning at least 10% of the items that were in "
        "the stream in the window and visited it."
    )
    async def teams(self, info: Info) -> list[TeamRef]:
        return await nodes.teams(info, self.team_ids)

    @classmethod
    def from_domain(cls, g: domain.SkillGap) -> SkillGap:
        """Map a gap."""
        return cls(
            stage_id=g.stage,
            skill_id=g.skill,
            team_ids=list(g.teams),
            needed=g.needed,
            best=g.best,
            shortfall=g.shortfall,
            at_constraint=g.at_constraint,
        )


async def skill_gaps(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None
) -> list[SkillGap]:
    """The skillGaps field."""
    window, run = inputs.window(info, start, end), info.context.run
    data, work, needs, skills = await asyncio.gather(
        inputs.flow(info, value_stream, window),
        inputs.work(info, value_stream, window),
        inputs.needs(info, value_stream),
        inputs.skills(info, value_stream, window),
    )
    top = await run(stream_analysis.constraints_of, value_stream, data)
    constraint = top.constraint.stage.id if top.constraint else None
    gaps = await run(stream_analysis.skill_gaps_of, needs, work, skills, constraint)
    return [SkillGap.from_domain(g) for g in gaps]
