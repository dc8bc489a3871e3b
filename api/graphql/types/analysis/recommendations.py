"""Recommendations: concrete suggestions from the analyses, with their evidence."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.types.analysis import inputs, nodes
from api.graphql.types.analysis.nodes import StageRef, TeamRef
from graph.analysis import stream as stream_analysis
from graph.analysis.influence import Recommendation as DomainRecommendation
from graph.analysis.influence import RecommendationKind

strawberry.enum(
    RecommendationKind,
    name="RecommendationKind",
    description="What a recommendation is about.",
)


@strawberry.type(description="A concrete suggestion from the analyses, with its evidence.")
class Recommendation:
    kind: RecommendationKind = strawberry.field(description="What it is about.")
    title: str = strawberry.field(description="What to do.")
    evidence: str = strawberry.field(description="The figures behind it.")
    stage_ids: strawberry.Private[list[str]]
    team_ids: strawberry.Private[list[str]]
    item_keys: list[str] = strawberry.field(description="Keys of the work items concerned.")

    @strawberry.field(description="Stages concerned (raise a backlog item from one).")
    async def stages(self, info: Info) -> list[StageRef]:
        return await nodes.stages(info, self.stage_ids)

    @strawberry.field(description="Teams concerned.")
    async def teams(self, info: Info) -> list[TeamRef]:
        return await nodes.teams(info, self.team_ids)

    @classmethod
    def from_domain(cls, r: DomainRecommendation) -> Recommendation:
        """Map a recommendation."""
        return cls(
            kind=r.kind,
            title=r.title,
            evidence=r.evidence,
            stage_ids=list(r.stages),
            team_ids=list(r.teams),
            item_keys=list(r.items),
        )


async def recommendations(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None
) -> list[Recommendation]:
    """The recommendations field."""
    store, window = info.context.store, inputs.window(info, start, end)
    data = await inputs.flow(info, value_stream, window)
    work = await inputs.work(info, value_stream, window)
    run = info.context.run
    result = await stream_analysis.analyse(store, value_stream, window, data, work, run)
    names = await stream_analysis.display_names(store, result)
    found = await run(stream_analysis.recommendations, result, names)
    return [Recommendation.from_domain(r) for r in found]
