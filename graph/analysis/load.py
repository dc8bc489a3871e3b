"""Loading the subgraphs the analyses work on (network.py, forecast.py), in few queries.

Each `load_*` takes a value stream (or a team / work item for forecasts) and a window,
reads the database and returns plain data, computing no more than the ids it asks for.
What is computed from that data is a pure function: `stream_work` and the `*_graph`
builders here, the analyses in graph/analysis/network.py; graph/analysis/stream.py runs them
through its caller's runner (off the event loop in the server). Times arrive as
epoch milliseconds (cheaper for the driver than temporal values, see metrics/load_visits).
Which items count (docs/analysis.md): those the flow metrics load for the window (in a
stage of the value stream other than a done one at some time in it, or moving in it);
open/done is read as the items stand now.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import networkx as nx
import numpy as np

from graph.analysis.forecast import daily_throughput
from graph.analysis.network import (
    SkillNeed,
    blocking_graph,
    handoffs,
    remaining_days,
    stage_teams,
    team_graph,
)
from graph.db.queries import cypher
from graph.db.store import GraphStore, collected
from graph.metrics.flow import (
    FlowData,
    FlowQuery,
    FlowStage,
    ScopeKind,
    Window,
    days,
    delivered,
)
from graph.metrics.flow_queries import flow_data_of, item_parameters, load_scope, resolve, scope_of
from graph.model import FlowItemLevel, StageState, WorkItemKind
from graph.runner import Runner, inline
from graph.times import from_millis

ITEM_OWNERS = cypher("analysis/find_item_owners")
ITEM_PROGRESS = cypher("analysis/find_item_progress")
TEAM_DEPENDENCIES = cypher("analysis/find_team_dependencies")
UNLINKED_COMMITS = cypher("analysis/find_shipped_commits_without_work_item")
DONE_FEATURES = cypher("analysis/find_done_features")
SKILL_NEEDS = cypher("analysis/find_stage_skill_needs")
TEAM_SKILLS = cypher("analysis/find_team_skills")
OPEN_DESCENDANTS = cypher("analysis/count_open_descendants")

PRODUCTION = "production"


class ForecastScope(StrEnum):
    """Whose throughput a forecast samples."""

    VALUE_STREAM = "value_stream"
    TEAM = "team"
    WORK_ITEM = "work_item"


DESCENDANT_STAGES = cypher("analysis/load_stages_of_descendants")
DONE_TIMES = {
    ForecastScope.VALUE_STREAM: cypher("analysis/find_done_times_of_value_stream"),
    ForecastScope.TEAM: cypher("analysis/find_done_times_of_team"),
    ForecastScope.WORK_ITEM: cypher("analysis/find_done_times_of_work_item"),
}


@dataclass(frozen=True)
class StreamWork:
    """The work of a value stream in a window (the items of its flow data): per stage
    and owner team, how many of the items visited the stage; per pair of stages, how
    many times an item went straight from one to the other; the items' owner teams; and
    their BLOCKED_BY links (item, item's team, blocker, blocker's team)."""

    visiting: Mapping[str, Mapping[str, int]]
    moves: Mapping[tuple[str, str], int]
    teams: frozenset[str]
    blocked_by: tuple[tuple[str, str | None, str, str | None], ...]


def visiting(data: FlowData) -> dict[str, dict[str, int]]:
    """Per stage, per owner team, how many of the flow data's items visited the stage
    (a revisit counts once; items no team owns count nowhere)."""
    h = data.history
    teams = sorted({t for t in h.teams if t is not None})
    code = {t: n for n, t in enumerate(teams)}
    team_of = np.array([code.get(t, -1) if t else -1 for t in h.teams], dtype=np.int64)
    owned = team_of[h.item] >= 0
    stages = len(data.stages)
    pairs = np.unique(h.item[owned] * stages + h.stage[owned])
    keys, counts = np.unique(
        (pairs % stages) * len(teams) + team_of[pairs // stages], return_counts=True
    )
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for key, n in zip(keys.tolist(), counts.tolist(), strict=True):
        out[data.stages[key // len(teams)].id][teams[key % len(teams)]] = n
    return dict(out)


def moves(data: FlowData) -> dict[tuple[str, str], int]:
    """Per (stage left, stage entered), how many times one of the flow data's items
    went from one straight to the other (consecutive visits, by entry)."""
    h = data.history
    same = h.item[1:] == h.item[:-1]
    stages = data.stages
    keys, counts = np.unique(
        h.stage[:-1][same] * len(stages) + h.stage[1:][same], return_counts=True
    )
    return {
        (stages[k // len(stages)].id, stages[k % len(stages)].id): n
        for k, n in zip(keys.tolist(), counts.tolist(), strict=True)
    }


async def load_blocker_owners(store: GraphStore, data: FlowData) -> dict[str, str]:
    """The owner team of each item that blocks one of the flow data's items (1 query,
    only for the blockers: the items' own owners, blockers and visits are the flow
    data's)."""
    blockers = sorted({b for bs in data.history.blockers for b in bs})
    rows = await store.read(ITEM_OWNERS, items=blockers) if blockers else []
    return dict(rows[0]["owners"]) if rows else {}


def stream_work(data: FlowData, owner: Mapping[str, str]) -> StreamWork:
    """The work of a value stream's flow data (the items in a stage other than a done
    one at some time in the window, or moving in it), given the owners of what blocks
    them (`load_blocker_owners`)."""
    h = data.history
    blocked = tuple(
        sorted(
            (
                (item, team, blocker, owner.get(blocker))
                for item, team, bs in zip(h.ids, h.teams, h.blockers, strict=True)
                for blocker in bs
            ),
            # By item and blocker only: teams may be null.
            key=lambda link: (link[0], link[2]),
        )
    )
    return StreamWork(
        visiting(data), moves(data), frozenset(t for t in h.teams if t is not None), blocked
    )


async def load_stream_work(store: GraphStore, data: FlowData, run: Runner = inline) -> StreamWork:
    """The work of a value stream's flow data: its blockers' owners read, the rest
    computed from the flow data by `run` (1 query)."""
    return await run(stream_work, data, await load_blocker_owners(store, data))


async def load_team_dependencies(store: GraphStore, work: StreamWork) -> list[tuple[str, str]]:
    """The DEPENDS_ON links among the teams owning the work or its blockers (1 query)."""
    teams = sorted(work.teams | {t for _, a, _, b in work.blocked_by for t in (a, b) if t})
    return [(r["team"], r["on"]) for r in await store.read(TEAM_DEPENDENCIES, teams=teams)]


def work_team_graph(work: StreamWork, depends: Iterable[tuple[str, str]]) -> nx.DiGraph[str]:
    """The team network of the work: cross-team blocks, hand-offs and the DEPENDS_ON
    links `load_team_dependencies` read."""
    owners = stage_teams(work.visiting)
    cross = [(a, b) for _, a, _, b in work.blocked_by if a and b and a != b]
    return team_graph(cross, handoffs(work.moves, owners), depends)


@dataclass(frozen=True)
class ItemProgress:
    """Where an item of a blocking link stands now: when it first started (epoch
    milliseconds, None if never) and whether it is done."""

    item: str
    started: int | None
    done: bool


async def load_item_progress(store: GraphStore, work: StreamWork) -> list[ItemProgress]:
    """The progress of the items of the work's BLOCKED_BY links, both ends (1 query)."""
    ids = sorted({x for item, _, blocker, _ in work.blocked_by for x in (item, blocker)})
    rows = await store.read(ITEM_PROGRESS, items=ids)
    return [ItemProgress(r["item"], r["started"], bool(r["done"])) for r in rows]


def work_blocking_graph(
    work: StreamWork,
    progress: Iterable[ItemProgress],
    at: datetime,
    median_flow_time: float,
    floor: float = 1.0,
) -> nx.DiGraph[str]:
    """The open BLOCKED_BY links of the work, items weighted by their expected remaining
    days as of `at`."""
    remaining = {}
    for p in progress:
        if p.done:
            continue
        age = None if p.started is None else max(days(at - from_millis(p.started)), 0.0)
        remaining[p.item] = remaining_days(age, median_flow_time, floor)
    return blocking_graph(((item, blocker) for item, _, blocker, _ in work.blocked_by), remaining)


@dataclass(frozen=True)
class FeatureDelivery:
    """A feature done in the window: whether a shipped commit implements it or one of its
    descendants, and whether feedback is about it."""

    feature: str
    deployed: bool
    heard: bool


@dataclass(frozen=True)
class Delivery:
    """What traceability gaps are read from (cypher/analysis/
    find_shipped_commits_without_work_item, find_done_features): the commits shipped in
    the window that implement no work item, and the features done in the window."""

    unlinked_commits: tuple[str, ...]
    features: tuple[FeatureDelivery, ...]


async def load_delivery(
    store: GraphStore, value_stream: str, window: Window, environment: str = PRODUCTION
) -> Delivery:
    """Commits shipped in the window that implement no work item; features done in the
    window, whether they were deployed and whether feedback is about them (2 queries,
    side by side)."""
    params = {
        "valueStream": value_stream,
        "start": window.start,
        "end": window.end,
        "environment": environment,
    }
    commits, features = await asyncio.gather(
        store.read(UNLINKED_COMMITS, **params), store.read(DONE_FEATURES, **params)
    )
    return Delivery(
        tuple(collected(commits, "commits")),
        tuple(
            FeatureDelivery(f, bool(deployed), bool(heard))
            for f, deployed, heard in collected(features, "features")
        ),
    )


async def load_skill_needs(store: GraphStore, value_stream: str) -> list[SkillNeed]:
    """The NEEDS_SKILL of the value stream's stages (1 query)."""
    rows = await store.read(SKILL_NEEDS, valueStream=value_stream)
    return [SkillNeed(r["stage"], r["skill"], int(r["level"])) for r in rows]


@dataclass(frozen=True)
class MemberSkill:
    """One member's level of one skill (skill None for a member with no skills)."""

    team: str
    person: str
    skill: str | None
    level: int | None


async def load_team_skills(store: GraphStore, teams: Sequence[str]) -> list[MemberSkill]:
    """The skills of the members of `teams` (1 query)."""
    rows = await store.read(TEAM_SKILLS, teams=list(teams))
    return [
        MemberSkill(
            r["team"], r["person"], r["skill"], None if r["level"] is None else int(r["level"])
        )
        for r in rows
    ]


def best_levels(skills: Sequence[MemberSkill]) -> dict[str, dict[str, int]]:
    """Per team, the best level of each skill among its members."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for s in skills:
        if s.skill is not None and s.level is not None:
            out[s.team][s.skill] = max(out[s.team].get(s.skill, 0), s.level)
    return dict(out)


async def _forecast_scope(
    store: GraphStore, scope: ForecastScope, query: FlowQuery
) -> tuple[tuple[FlowStage, ...], FlowItemLevel, tuple[WorkItemKind, ...]]:
    """The stages a forecast's items are read in, and the level and kinds counted: a
    value stream's or a team's as their flow metrics have them; for a work item, the
    value streams its descendants are in (the level theirs when they agree)."""
    if scope is not ForecastScope.WORK_ITEM:
        return await load_scope(store, query)
    rows = await store.read(DESCENDANT_STAGES, id=query.id)
    found = collected(rows, "scopes")
    stages, declared = scope_of(found[0][1] if found else [])
    return (stages, *resolve(query, declared))


async def load_done_times(
    store: GraphStore,
    scope: ForecastScope,
    id: str,
    window: Window,
    kinds: Sequence[WorkItemKind] | None = None,
) -> list[datetime]:
    """When the items of a value stream, team or work item's descendants delivered in
    the window were done: the Flow Items its flow metrics count in velocity (the same
    level and kinds, done time and discarded outcomes, graph/metrics/flow.py), read among the
    items now in a done stage they entered since the window began (2 queries).
    `kinds` None: the flow metrics' default (their level applies)."""
    # A work item's descendants are read like a value stream's items (the scope kind
    # only names whose stages load_scope reads, and a team's ownership).
    flow_scope = ScopeKind.TEAM if scope is ForecastScope.TEAM else ScopeKind.VALUE_STREAM
    query = FlowQuery(flow_scope, id, window, kinds=None if kinds is None else tuple(kinds))
    stages, level, counted = await _forecast_scope(store, scope, query)
    if not any(s.state is StageState.DONE for s in stages):
        return []
    statement = DONE_TIMES[scope]
    given = {"id": id, **item_parameters(query, stages, level, counted)}
    params = {k: v for k, v in given.items() if k in statement.parameters}
    rows = await store.read_plain(statement, **params)  # ids, numbers, lists of them
    items = collected(rows, "items")
    return sorted(delivered(flow_data_of(query, stages, items, level, counted)).values())


async def load_throughput(
    store: GraphStore,
    scope: ForecastScope,
    id: str,
    start: datetime,
    history_days: int,
    kinds: Sequence[WorkItemKind] | None = None,
) -> tuple[int, ...]:
    """Items done on each of the `history_days` UTC days before `start` (1 query)."""
    first = start - timedelta(days=history_days)
    done = await load_done_times(store, scope, id, Window(first, start), kinds)
    return daily_throughput(done, first, history_days)


#: Any window: the level and kinds a forecast counts do not depend on it.
_ANY_WINDOW = Window(datetime(2000, 1, 1, tzinfo=UTC), datetime(2000, 1, 2, tzinfo=UTC))


async def count_open_descendants(
    store: GraphStore, work_item: str, kinds: Sequence[WorkItemKind] | None = None
) -> int:
    """How many descendants of an epic or initiative are not done, counted as its
    throughput is (the same Flow Items: level and kinds, load_done_times) (2 queries)."""
    query = FlowQuery(
        ScopeKind.VALUE_STREAM,
        work_item,
        _ANY_WINDOW,
        kinds=None if kinds is None else tuple(kinds),
    )
    stages, level, counted = await _forecast_scope(store, ForecastScope.WORK_ITEM, query)
    params = item_parameters(query, stages, level, counted)
    rows = await store.read(
        OPEN_DESCENDANTS,
        id=work_item,
        kinds=params["kinds"],
        underParent=params["underParent"],
        overChild=params["overChild"],
    )
    return int(rows[0]["open"]) if rows else 0
