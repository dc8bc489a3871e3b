"""The analyses as fields of ValueStream: each calls its analysis module."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.types.analysis.constraints import ConstraintAnalysis, constraints
from api.graphql.types.analysis.critical_path import CriticalPath, critical_path
from api.graphql.types.analysis.forecast import Forecast, forecast
from api.graphql.types.analysis.inputs import ANALYSIS_WINDOW, FromArg, ToArg
from api.graphql.types.analysis.recommendations import Recommendation, recommendations
from api.graphql.types.analysis.skill_gaps import SkillGap, skill_gaps
from api.graphql.types.analysis.team_network import TeamNetwork, team_network
from api.graphql.types.analysis.traceability import TraceabilityGaps, traceability_gaps
from graph.analysis.forecast import DEFAULT_HISTORY_DAYS, DEFAULT_SEED, DEFAULT_TRIALS
from graph.analysis.load import PRODUCTION
from graph.model import Node as DomainNode


@strawberry.type(description="The analyses of a value stream (fields of ValueStream).")
class StreamAnalyses:
    # Set by the Node interface of the type that carries these fields.
    domain: strawberry.Private[DomainNode]

    @strawberry.field(
        description="The constraint: stations (an active stage with its queue) ranked by "
        "share of flow time, queue growth, WIP and time in stage, the constraint first."
        + ANALYSIS_WINDOW
    )
    async def constraints(
        self, info: Info, start: FromArg = None, to: ToArg = None
    ) -> ConstraintAnalysis:
        return await constraints(info, self.domain.id, start, to)

    @strawberry.field(
        description="Team dependency network of the stream's work: who waits on whom, "
        "betweenness, the most-waited-on team and cycles." + ANALYSIS_WINDOW
    )
    async def team_network(
        self, info: Info, start: FromArg = None, to: ToArg = None
    ) -> TeamNetwork:
        return await team_network(info, self.domain.id, start, to)

    @strawberry.field(
        description="The longest chain of open blocked items by expected remaining days."
        + ANALYSIS_WINDOW
    )
    async def critical_path(
        self,
        info: Info,
        start: FromArg = None,
        to: ToArg = None,
        floor_days: Annotated[
            float,
            strawberry.argument(description="Least remaining days an open item counts (1)."),
        ] = 1.0,
    ) -> CriticalPath:
        return await critical_path(info, self.domain.id, start, to, floor_days)

    @strawberry.field(
        description="Deployed commits with no work item, done features never deployed, "
        "deployed features with no feedback." + ANALYSIS_WINDOW
    )
    async def traceability_gaps(
        self,
        info: Info,
        start: FromArg = None,
        to: ToArg = None,
        environment: Annotated[
            str, strawberry.argument(description="Deployment environment (production).")
        ] = PRODUCTION,
    ) -> TraceabilityGaps:
        return await traceability_gaps(info, self.domain.id, start, to, environment)

    @strawberry.field(
        description="Monte Carlo forecast from the stream's daily throughput (the Flow "
        "Items its flow metrics count delivered: velocity per day, discarded and nested "
        "items out): when `items` more will be done and/or how many by `by`, at "
        "p50/p85/p95."
    )
    async def forecast(
        self,
        info: Info,
        items: Annotated[
            int | None, strawberry.argument(description="How many items to finish.")
        ] = None,
        by: Annotated[
            datetime | None, strawberry.argument(description="The date to count items up to.")
        ] = None,
        start: Annotated[
            datetime | None,
            strawberry.argument(
                name="from", description="Start of the forecast (default: today 00:00 UTC)."
            ),
        ] = None,
        history_days: Annotated[
            int, strawberry.argument(description="Days of history sampled, before the start.")
        ] = DEFAULT_HISTORY_DAYS,
        trials: Annotated[
            int, strawberry.argument(description="Simulated futures (1 to 100,000).")
        ] = DEFAULT_TRIALS,
        seed: Annotated[int, strawberry.argument(description="Random seed.")] = DEFAULT_SEED,
    ) -> Forecast:
        return await forecast(info, self.domain.id, items, by, start, history_days, trials, seed)

    @strawberry.field(
        description="Concrete suggestions from the analyses (constraint, dependencies, "
        "cycles, critical path, traceability, skills), each with its evidence." + ANALYSIS_WINDOW
    )
    async def recommendations(
        self, info: Info, start: FromArg = None, to: ToArg = None
    ) -> list[Recommendation]:
        return await recommendations(info, self.domain.id, start, to)

    @strawberry.field(
        description="Needed skill levels (NEEDS_SKILL) no member of the teams working the "
        "stage reaches, the constraint's first, then by shortfall." + ANALYSIS_WINDOW
    )
    async def skill_gaps(
        self, info: Info, start: FromArg = None, to: ToArg = None
    ) -> list[SkillGap]:
        return await skill_gaps(info, self.domain.id, start, to)
