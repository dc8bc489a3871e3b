"""Recommendations: concrete suggestions from the analyses, with their evidence."""

from __future__ import annotations

import asyncio
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
    run = info.context.run
    loaded = await inputs.stream_inputs(info, value_stream, inputs.window(info, start, end))
    result = await run(stream_analysis.analyse_inputs, loaded)
    found = await run(stream_analysis.recommendations, result, await display_names(info, result))
    return [Recommendation.from_domain(r) for r in found]


async def display_names(info: Info, result: stream_analysis.StreamAnalysis) -> dict[str, str]:
    """Names of the teams, skills and stages the analyses mention, by id: through the
    request's node DataLoaders, which the recommendations' `stages` and `teams` then find
    loaded."""
    wanted = stream_analysis.mentioned(result)
    found = await asyncio.gather(
        *(info.context.loaders.node(label).load_many(sorted(ids)) for label, ids in wanted.items())
    )
    return {node.id: node.name for batch in found for node in batch if node is not None}
