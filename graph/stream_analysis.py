"""The analyses of one value stream as the API and the CLI ask for them: load, analyse.

Each function loads what it needs through graph/analysis_load.py (or takes what the
caller already loaded, e.g. the flow data the metrics share) and calls the pure
analyses of graph/analysis.py, graph/constraints.py and graph/forecast.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from graph import analysis
from graph.analysis import CriticalPath, SkillGap, TeamNetwork, TraceabilityGaps
from graph.analysis_load import (
    PRODUCTION,
    ForecastScope,
    StreamWork,
    best_levels,
    count_open_descendants,
    load_blocking_graph,
    load_delivery_graph,
    load_skill_needs,
    load_stream_work,
    load_team_graph,
    load_team_skills,
    load_throughput,
)
from graph.constraints import Constraints, rank_stations
from graph.entities import nodes_by_ids
from graph.errors import InvalidArgument
from graph.flow import FlowData, FlowQuery, ScopeKind, Window, flow_metrics, stage_metrics
from graph.flow_queries import load_flow_data
from graph.forecast import (
    DEFAULT_HISTORY_DAYS,
    DEFAULT_SEED,
    DEFAULT_TRIALS,
    HowManyForecast,
    WhenForecast,
    forecast_how_many,
    forecast_when,
)
from graph.influence import Recommendation, recommend
from graph.model import Label
from graph.store import GraphStore


async def flow_data(store: GraphStore, value_stream: str, window: Window) -> FlowData:
    """The value stream's flow data over the window (the metrics' own loader)."""
    return await load_flow_data(store, FlowQuery(ScopeKind.VALUE_STREAM, value_stream, window))


def constraints_of(value_stream: str, data: FlowData) -> Constraints:
    """Rank the stations of the value stream whose flow data this is."""
    return Constraints(value_stream, data.window, rank_stations(stage_metrics(data)))


def median_flow_time(data: FlowData) -> float:
    """Median flow time in days of the items done in the window (0 when none were)."""
    return flow_metrics(data).flow_time.median or 0.0


async def team_network(store: GraphStore, work: StreamWork) -> TeamNetwork:
    """The team network of the value stream's work."""
    return analysis.team_network(await load_team_graph(store, work))


async def critical_path(
    store: GraphStore, work: StreamWork, at: datetime, median: float, floor: float = 1.0
) -> CriticalPath:
    """The critical path through the work's open blocking chains, as of `at`."""
    return analysis.critical_path(await load_blocking_graph(store, work, at, median, floor))


async def traceability_gaps(
    store: GraphStore, value_stream: str, window: Window, environment: str = PRODUCTION
) -> TraceabilityGaps:
    """The value stream's traceability gaps over the window."""
    graph = await load_delivery_graph(store, value_stream, window, environment)
    return analysis.traceability_gaps(graph)


async def skill_gaps(
    store: GraphStore, value_stream: str, work: StreamWork, constraint: str | None
) -> tuple[SkillGap, ...]:
    """Needed skill levels not covered by the teams working each stage, constraint first."""
    needs = await load_skill_needs(store, value_stream)
    teams_at = analysis.working_teams(work.visiting)
    teams = sorted({t for ts in teams_at.values() for t in ts})
    levels = best_levels(await load_team_skills(store, teams))
    return analysis.skill_gaps(needs, teams_at, levels, constraint)


@dataclass(frozen=True)
class StreamAnalysis:
    """Everything recommendations are made from."""

    constraints: Constraints
    network: TeamNetwork
    path: CriticalPath
    gaps: TraceabilityGaps
    skills: tuple[SkillGap, ...]


async def analyse(
    store: GraphStore,
    value_stream: str,
    window: Window,
    data: FlowData | None = None,
    work: StreamWork | None = None,
) -> StreamAnalysis:
    """Run every analysis of the value stream over the window (from the flow data and
    stream work already loaded for it, when given)."""
    data = data or await flow_data(store, value_stream, window)
    ranked = constraints_of(value_stream, data)
    work = work or await load_stream_work(store, data)
    top = ranked.constraint
    return StreamAnalysis(
        ranked,
        await team_network(store, work),
        await critical_path(store, work, window.end, median_flow_time(data)),
        await traceability_gaps(store, value_stream, window),
        await skill_gaps(store, value_stream, work, top.stage.id if top else None),
    )


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


async def display_names(store: GraphStore, result: StreamAnalysis) -> dict[str, str]:
    """Names of the teams, skills and stages a value stream's analyses mention, by id."""
    wanted = {
        Label.TEAM: {t.team for t in result.network.teams}
        | {t for g in result.skills for t in g.teams},
        Label.SKILL: {g.skill for g in result.skills},
        Label.STAGE: {g.stage for g in result.skills},
    }
    names: dict[str, str] = {}
    for label, ids in wanted.items():
        for node in await nodes_by_ids(store, label, sorted(ids)):
            if node is not None:
                names[node.id] = node.name
    return names
