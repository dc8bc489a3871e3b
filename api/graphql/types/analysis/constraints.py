"""The constraint of a value stream: its stations ranked, the constraint first."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from api.graphql.context import Info
from api.graphql.types.analysis import inputs, nodes
from api.graphql.types.analysis.inputs import ANALYSIS_WINDOW
from api.graphql.types.analysis.nodes import StageRef
from graph.analysis import constraints as cons
from graph.analysis import stream as stream_analysis
from graph.model import Label

if TYPE_CHECKING:
    from api.graphql.types.stream import Stage


@strawberry.type(
    description="A work station of a value stream (an active stage with the waiting stages "
    "in front of it, its queue) ranked as a candidate constraint, with its evidence. score "
    "= 0.4*share + 0.2*growth + 0.2*wip + 0.2*time, each divided by the largest among the "
    "stations (a shrinking queue counts 0)."
)
class StationRank:
    stage_id: strawberry.Private[str]
    queue_ids: strawberry.Private[list[str]]
    rank: int = strawberry.field(description="1 for the constraint.")
    flow_time_share: float = strawberry.field(
        description="Share (0..1) of the flow time of the items done in the window spent in "
        "the stage and its queue."
    )
    queue_growth: int = strawberry.field(
        description="Arrivals minus departures over the stage and its queue in the window."
    )
    wip: int = strawberry.field(description="Items in the stage and its queue at `to`.")
    time_in_stage_days: float | None = strawberry.field(
        description="Median days in the queue + median days in the stage (visits that left "
        "in the window); null if none left."
    )
    score: float = strawberry.field(description="The ranking score, 0..1.")
    reason: str = strawberry.field(description="One line with the figures behind the rank.")

    @strawberry.field(description="The active stage (or a waiting stage with no active after).")
    async def stage(self, info: Info) -> StageRef | None:
        stage: Stage | None = await nodes.one(info, Label.STAGE, self.stage_id)
        return stage

    @strawberry.field(description="The waiting stages in front of it, in order.")
    async def queue(self, info: Info) -> list[StageRef]:
        return await nodes.stages(info, self.queue_ids)

    @classmethod
    def from_domain(cls, s: cons.StationRank, rank: int) -> StationRank:
        """Map a ranked station."""
        return cls(
            stage_id=s.stage.id,
            queue_ids=[q.id for q in s.queue],
            rank=rank,
            flow_time_share=s.flow_time_share,
            queue_growth=s.queue_growth,
            wip=s.wip,
            time_in_stage_days=s.time_in_stage,
            score=s.score,
            reason=s.reason,
        )


@strawberry.type(
    description="The constraint (bottleneck) of a value stream: its stations ranked, the "
    "constraint first." + ANALYSIS_WINDOW
)
class ConstraintAnalysis:
    start: datetime = strawberry.field(name="from", description="Start of the window (UTC).")
    end: datetime = strawberry.field(name="to", description="End of the window (UTC).")
    ranking: list[StationRank] = strawberry.field(description="Every station, highest score first.")

    @strawberry.field(description="The top-ranked station; null if the stream has no stations.")
    def constraint(self) -> StationRank | None:
        return self.ranking[0] if self.ranking else None

    @classmethod
    def from_domain(cls, c: cons.Constraints) -> ConstraintAnalysis:
        """Map the ranking."""
        return cls(
            start=c.window.start,
            end=c.window.end,
            ranking=[StationRank.from_domain(s, n) for n, s in enumerate(c.ranking, start=1)],
        )


async def constraints(
    info: Info, value_stream: str, start: datetime | None, end: datetime | None
) -> ConstraintAnalysis:
    """The constraints field."""
    data = await inputs.flow(info, value_stream, inputs.window(info, start, end))
    ranked = await info.context.run(stream_analysis.constraints_of, value_stream, data)
    return ConstraintAnalysis.from_domain(ranked)
