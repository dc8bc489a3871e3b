"""The skill matrix of a team (the field Team.skillMatrix)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from api.graphql.context import Info
from api.graphql.types.analysis import nodes
from api.graphql.types.analysis.nodes import PersonRef, SkillRef
from graph.model import Label

if TYPE_CHECKING:
    from api.graphql.types.organisation import Person


@strawberry.type(description="A member of a team and their level of each skill of the matrix.")
class SkillMatrixRow:
    person_id: strawberry.Private[str]
    levels: list[int | None] = strawberry.field(
        description="Level (1-5) of each skill, in the order of SkillMatrix.skills; null "
        "where the person lacks it."
    )

    @strawberry.field(description="The person.")
    async def person(self, info: Info) -> PersonRef | None:
        person: Person | None = await nodes.one(info, Label.PERSON, self.person_id)
        return person


@strawberry.type(
    description="Skills of a team's members: one row per member, one column per skill."
)
class SkillMatrix:
    skill_ids: strawberry.Private[list[str]]
    rows: list[SkillMatrixRow] = strawberry.field(description="One per member, by id.")
    best: list[int] = strawberry.field(
        description="Best level of each skill among the members, in the order of skills."
    )

    @strawberry.field(description="The skills (columns), by id.")
    async def skills(self, info: Info) -> list[SkillRef]:
        return await nodes.of_label(info, Label.SKILL, self.skill_ids)


async def skill_matrix(info: Info, team: str) -> SkillMatrix:
    """The Team.skillMatrix field."""
    # Through the request's DataLoader: one query for the skill matrices of all teams.
    found = await info.context.loaders.team_skills().load(team)
    skills = sorted({s.skill for s in found if s.skill is not None})
    people = sorted({s.person for s in found})
    level = {(s.person, s.skill): s.level for s in found if s.skill is not None}
    rows = [SkillMatrixRow(person_id=p, levels=[level.get((p, k)) for k in skills]) for p in people]
    best = [max((level.get((p, k)) or 0) for p in people) for k in skills]
    return SkillMatrix(skill_ids=skills, rows=rows, best=best)
