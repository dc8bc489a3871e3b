"""The analyses of one value stream as the API and the CLI ask for them: load, analyse.

Each analysis comes in two halves. `*_of` is a pure function over loaded data (no
database, no await): it builds the graph it needs and calls the analyses of network.py,
constraints.py and forecast.py (graph/analysis/). The async function of the same name
loads that data through graph/analysis/load.py (or takes what the caller
already loaded, e.g. the flow data the metrics share) with reads on the event loop, then
hands the pure half to `run` (graph/runner.py): the API's worker pool, so a large
network, blocking graph or delivery graph never holds the server's loop; the CLI's
`inline`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from graph.analysis import network
from graph.analysis.constraints import Constraints, rank_stations
from graph.analysis.forecast import (
    DEFAULT_HISTORY_DAYS,
    DEFAULT_SEED,
    DEFAULT_TRIALS,
    HowManyForecast,
    WhenForecast,
    forecast_how_many,
    forecast_when,
)
from graph.analysis.influence import Recommendation, recommend
from graph.analysis.load import (
    PRODUCTION,
    Delivery,
    ForecastScope,
    ItemProgress,
    MemberSkill,
    StreamWork,
    best_levels,
    count_open_descendants,
    load_delivery,
    load_item_progress,
    load_skill_needs,
    load_stream_work,
    load_team_dependencies,
    load_team_skills,
    load_throughput,
    work_blocking_graph,
    work_team_graph,
)
from graph.analysis.network import CriticalPath, SkillGap, SkillNeed, TeamNetwork, TraceabilityGaps
from graph.db.store import GraphStore
from graph.errors import InvalidArgument
from graph.metrics.flow import FlowData, FlowQuery, ScopeKind, Window, flow_metrics, stage_metrics
from graph.metrics.flow_queries import load_flow_data
from graph.model import Label
from graph.runner import Runner, inline


async def flow_data(store: GraphStore, value_stream: str, window: Window) -> FlowData:
    """The value stream's flow data over the window (the metrics' own loader), without
    the CFD's resting items: no analysis counts them."""
    query = FlowQuery(ScopeKind.VALUE_STREAM, value_stream, window)
    return await load_flow_data(store, query, resting=False)


def constraints_of(value_stream: str, data: FlowData) -> Constraints:
    """Rank the stations of the value stream whose flow data this is."""
    return Constraints(value_stream, data.window, rank_stations(stage_metrics(data)))


def median_flow_time(data: FlowData) -> float:
    """Median flow time in days of the items done in the window (0 when none were)."""
    return flow_metrics(data).flow_time.median or 0.0


def team_network_of(work: StreamWork, depends: Sequence[tuple[str, str]]) -> TeamNetwork:
    """The team network of the work, with the DEPENDS_ON links among its teams."""
    return network.team_network(work_team_graph(work, depends))


async def team_network(store: GraphStore, work: StreamWork, run: Runner = inline) -> TeamNetwork:
    """The team network of the value stream's work (1 query)."""
    return await run(team_network_of, work, await load_team_dependencies(store, work))


def critical_path_of(
    work: StreamWork,
    progress: Sequence[ItemProgress],
    at: datetime,
    median: float,
    floor: float = 1.0,
) -> CriticalPath:
    """The critical path through the work's open blocking chains, as of `at`."""
    return network.critical_path(work_blocking_graph(work, progress, at, median, floor))


async def critical_path(
    store: GraphStore,
    work: StreamWork,
    at: datetime,
    median: float,
    floor: float = 1.0,
    run: Runner = inline,
) -> CriticalPath:
    """The critical path through the work's open blocking chains, as of `at` (1 query)."""
    progress = await load_item_progress(store, work)
    return await run(critical_path_of, work, progress, at, median, floor)


def traceability_gaps_of(delivery: Delivery) -> TraceabilityGaps:
    """The traceability gaps of the delivery loaded for a value stream."""
    return network.traceability_gaps(
        delivery.unlinked_commits, ((f.feature, f.deployed, f.heard) for f in delivery.features)
    )


async def traceability_gaps(
    store: GraphStore,
    value_stream: str,
    window: Window,
    environment: str = PRODUCTION,
    run: Runner = inline,
) -> TraceabilityGaps:
    """The value stream's traceability gaps over the window (2 queries, side by side)."""
    delivery = await load_delivery(store, value_stream, window, environment)
    return await run(traceability_gaps_of, delivery)


def skill_gaps_of(
    needs: Sequence[SkillNeed],
    work: StreamWork,
    skills: Sequence[MemberSkill],
    constraint: str | None,
) -> tuple[SkillGap, ...]:
    """Needed skill levels not covered by the teams working each stage, constraint
    first (`skills`: those of the members of the work's teams, at least)."""
    return network.skill_gaps(
        needs, network.working_teams(work.visiting), best_levels(skills), constraint
    )


async def skill_gaps(
    store: GraphStore,
    value_stream: str,
    work: StreamWork,
    constraint: str | None,
    run: Runner = inline,
) -> tuple[SkillGap, ...]:
    """Needed skill levels not covered by the teams working each stage, constraint
    first (2 queries: the stages' needs, the skills of every team owning the work, of
    which the pure half keeps the teams working each stage)."""
    needs = await load_skill_needs(store, value_stream)
    skills = await load_team_skills(store, sorted(work.teams))
    return await run(skill_gaps_of, needs, work, skills, constraint)


@dataclass(frozen=True)
class StreamAnalysis:
    """Everything recommendations are made from."""

    constraints: Constraints
    network: TeamNetwork
    path: CriticalPath
    gaps: TraceabilityGaps
    skills: tuple[SkillGap, ...]


@dataclass(frozen=True)
class StreamInputs:
    """Everything the analyses of a value stream over a window compute from, loaded."""

    value_stream: str
    window: Window
    data: FlowData
    work: StreamWork
    depends: list[tuple[str, str]]
    progress: list[ItemProgress]
    delivery: Delivery
    needs: list[SkillNeed]
    skills: list[MemberSkill]


async def load_inputs(
    store: GraphStore,
    value_stream: str,
    window: Window,
    data: FlowData | None = None,
    work: StreamWork | None = None,
    run: Runner = inline,
) -> StreamInputs:
    """Load what every analysis of the value stream needs (from the flow data and
    stream work already loaded for it, when given; the stream work is computed by
    `run`)."""
    data = data or await flow_data(store, value_stream, window)
    work = work or await load_stream_work(store, data, run)
    # Independent of each other: read side by side, not one after another.
    depends, progress, delivery, needs, skills = await asyncio.gather(
        load_team_dependencies(store, work),
        load_item_progress(store, work),
        load_delivery(store, value_stream, window),
        load_skill_needs(store, value_stream),
        load_team_skills(store, sorted(work.teams)),
    )
    return StreamInputs(
        value_stream, window, data, work, depends, progress, delivery, needs, skills
    )


def analyse_inputs(inputs: StreamInputs) -> StreamAnalysis:
    """Run every analysis of a value stream over its loaded inputs."""
    ranked = constraints_of(inputs.value_stream, inputs.data)
    top = ranked.constraint
    median = median_flow_time(inputs.data)
    return StreamAnalysis(
        ranked,
        team_network_of(inputs.work, inputs.depends),
        critical_path_of(inputs.work, inputs.progress, inputs.window.end, median),
        traceability_gaps_of(inputs.delivery),
        skill_gaps_of(inputs.needs, inputs.work, inputs.skills, top.stage.id if top else None),
    )


async def analyse(
    store: GraphStore,
    value_stream: str,
    window: Window,
    data: FlowData | None = None,
    work: StreamWork | None = None,
    run: Runner = inline,
) -> StreamAnalysis:
    """Run every analysis of the value stream over the window (from the flow data and
    stream work already loaded for it, when given): load, then compute by `run`."""
    inputs = await load_inputs(store, value_stream, window, data, work, run)
    return await run(analyse_inputs, inputs)


def recommendations(result: StreamAnalysis, names: dict[str, str]) -> list[Recommendation]:
    """Suggestions from a value stream's analyses."""
    return recommend(
        result.constraints, result.network, result.path, result.gaps, result.skills, names
    )


@dataclass(frozen=True)
class Forecast:
    """A forecast's inputs (the throughput samples) and answers."""

    scope: ForecastScope
    id: str
    start: datetime
    samples: tuple[int, ...]
    remaining: int | None
    when: WhenForecast | None
    how_many: HowManyForecast | None


async def forecast(
    store: GraphStore,
    scope: ForecastScope,
    id: str,
    start: datetime,
    *,
    items: int | None = None,
    by: datetime | None = None,
    history_days: int = DEFAULT_HISTORY_DAYS,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> Forecast:
    """Forecast from `start` with the throughput of the `history_days` before it: when
    `items` will be done (for a work item, by default its open descendants) and/or how
    many by `by`."""
    if history_days < 1:
        raise InvalidArgument(f"history must be at least one day, got {history_days}")
    remaining = None
    if scope is ForecastScope.WORK_ITEM:
        remaining = await count_open_descendants(store, id)
        items = remaining if items is None else items
    if items is None and by is None:
        raise InvalidArgument("ask for a number of items, a date, or both")
    samples = await load_throughput(store, scope, id, start, history_days)
    when = None if items is None else forecast_when(samples, items, start, trials=trials, seed=seed)
    how_many = (
        None if by is None else forecast_how_many(samples, start, by, trials=trials, seed=seed)
    )
    return Forecast(scope, id, start, samples, remaining, when, how_many)


def mentioned(result: StreamAnalysis) -> dict[Label, set[str]]:
    """The ids of the teams, skills and stages a value stream's analyses mention, by label
    (whose names recommendations show)."""
    return {
        Label.TEAM: {t.team for t in result.network.teams}
        | {t for g in result.skills for t in g.teams},
        Label.SKILL: {g.skill for g in result.skills},
        Label.STAGE: {g.stage for g in result.skills},
    }
