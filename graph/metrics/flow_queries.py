"""Loading what the flow metrics need (graph/metrics/flow.py) from the graph, in two queries
(three with the resting counts) for any number of scopes (a nested list of value streams
costs what one does).

A scope is a set of stages: a value stream's, a product's value streams', or those of
the value streams of the products a team contributes to (a team's scope counts only the
items it OWNS). Its items are the work items *now* in one of its stages: ingest keeps
each item's `currentStage`, `lastMovedAt` and `stageMonth` (the two in one value:
docs/graph-model.md), indexed, and its visits as columns on the item, so a window's
items are found without walking every visit its stages ever had, and their visits are
read with them.

Where each item was when the window began splits them:

- now in a stage other than a done one, or in a done stage it entered in the window's
  first month or later: loaded with their visits (metrics/load_visits, by `currentStage`
  and by `stageMonth`), of which those to the scope's stages entered before the window's
  end are kept;
- in a done stage since before the window's first month: they rest there through the
  whole window and add only to that stage's count (its WIP, its CFD band), so they are
  not read at all, but counted (metrics/count_resting) when those are asked for
  (`resting=True`; the analyses never ask).

Of the loaded items, those whose visits all ended before the window (they left and came
back after it) are dropped, and those resting in a done stage through the window (they
entered it in the first month, before the window began, or moved only after the window)
are counted with the resting ones. The cost follows the window's activity, not the length
of the history.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any

import numpy as np

from graph.db.queries import Query, cypher
from graph.db.store import GraphStore, collected
from graph.metrics.flow import (
    DEFAULT_KINDS,
    DEFAULT_LEVEL,
    NESTED,
    FlowData,
    FlowQuery,
    FlowStage,
    ScopeKind,
    discarded_by_tool,
)
from graph.metrics.flow_history import NEVER, History, ItemFacts
from graph.model import (
    FlowItemLevel,
    FlowType,
    Outcome,
    StageState,
    WorkItemKind,
    stage_month,
)
from graph.times import micros

STAGES = {
    ScopeKind.VALUE_STREAM: cypher("metrics/load_stages_of_value_stream"),
    ScopeKind.PRODUCT: cypher("metrics/load_stages_of_product"),
    ScopeKind.TEAM: cypher("metrics/load_stages_of_team"),
}
VISITS = cypher("metrics/load_visits")
VISITS_OF_TEAM = cypher("metrics/load_visits_of_team")
RESTING = cypher("metrics/count_resting")
RESTING_OF_TEAM = cypher("metrics/count_resting_of_team")
#: A done stage's items are read by `stageMonth` up to this long after now (or after the
#: window's end, if later): a source's clock a little ahead of ours loses no item.
_MONTHS_AHEAD = timedelta(days=31)

_KIND = {k.value: k for k in WorkItemKind}
_FLOW_TYPE = {t.value: t for t in FlowType}
#: How the visit columns mark an open visit's exit (graph/model.py, VISIT_EXITS).
_OPEN = -1
_MILLI = 1000


_OUTCOME = {o.value: o for o in Outcome}
_LEVEL = {level.value: level for level in FlowItemLevel}


def _stage(row: list[Any]) -> FlowStage:
    id, name, order, state, value_stream, outcome = row[:6]
    return FlowStage(
        id=id,
        name=str(name or id),
        order=int(order or 0),
        state=StageState(state),
        value_stream=value_stream,
        outcome=_OUTCOME.get(outcome),
    )


@dataclass(frozen=True)
class _Scope:
    """A scope's stages and the flow-item level its value streams declare (None unless
    they all declare the same one)."""

    stages: tuple[FlowStage, ...]
    level: FlowItemLevel | None


def _declared(rows: list[Any]) -> FlowItemLevel | None:
    declared = {row[6] for row in rows}
    return _LEVEL.get(declared.pop()) if len(declared) == 1 else None


def resolve(
    query: FlowQuery, declared: FlowItemLevel | None
) -> tuple[FlowItemLevel, tuple[WorkItemKind, ...]]:
    """The level and kinds a query counts: the level asked for, else the one the value
    streams declare, else the default (ALL when kinds are asked for: asking for kinds
    counts every item of them); the kinds asked for, else every kind but Initiative and
    Epic."""
    if query.level is not None:
        level = query.level
    elif declared is not None:
        level = declared
    else:
        level = DEFAULT_LEVEL if query.kinds is None else FlowItemLevel.ALL
    return level, query.kinds if query.kinds is not None else DEFAULT_KINDS


def _history(query: FlowQuery, stages: tuple[FlowStage, ...], rows: list[Any]) -> History:
    """Columns from items in metrics/load_visits' item shape: of each item's visits
    (times in milliseconds), those to the scope's stages entered before the window's end;
    an item with none is left out."""
    place = {s.id: n for n, s in enumerate(stages)}
    lengths = np.fromiter((len(row[5]) for row in rows), dtype=np.int64, count=len(rows))
    total = int(lengths.sum())
    stage_of = np.fromiter(
        (place.get(s, -1) for s in chain.from_iterable(row[5] for row in rows)),
        dtype=np.int64,
        count=total,
    )
    entries = np.fromiter(chain.from_iterable(row[6] for row in rows), np.int64, total) * _MILLI
    exits = np.fromiter(chain.from_iterable(row[7] for row in rows), np.int64, total)
    item_of = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    kept = (stage_of >= 0) & (entries < micros(query.window.end))
    having = np.zeros(len(rows), dtype=np.bool_)
    having[item_of[kept]] = True
    renumber = np.cumsum(having) - 1
    items = [
        ItemFacts(
            row[0],
            _KIND[row[1]],
            _FLOW_TYPE[row[2]],
            row[3],
            tuple(row[4]),
            discarded_by_tool(row[8], row[9]),
        )
        for row, has in zip(rows, having.tolist(), strict=True)
        if has
    ]
    visits = (
        renumber[item_of[kept]],
        stage_of[kept],
        entries[kept],
        np.where(exits[kept] == _OPEN, NEVER, exits[kept] * _MILLI),
    )
    return History.build([s.id for s in stages], items, visits, micros(query.window.end))


def _in_window(
    history: History, stages: tuple[FlowStage, ...], start: int, end: int
) -> tuple[History, Counter[str]]:
    """Keep the items with a visit in the window other than a stay in a done stage
    through all of it; count those resting so (by stage) and drop the rest."""
    h = history
    done_stage = np.array([s.state is StageState.DONE for s in stages], dtype=np.bool_)
    meets = h.exited >= start  # every visit was entered before `end`
    through = meets & (h.entered < start) & (h.exited >= end)
    resting_visit = through & done_stage[h.stage]
    live_items = np.zeros(len(h.ids), dtype=np.bool_)
    live_items[h.item[meets & ~resting_visit]] = True
    resting = Counter(stages[s].id for s in h.stage[resting_visit & ~live_items[h.item]].tolist())
    return (h if live_items.all() else h.subset(live_items)), resting


async def _stages(
    store: GraphStore, queries: Sequence[FlowQuery]
) -> dict[tuple[ScopeKind, str], _Scope]:
    """The stages of every scope asked for, one statement per kind of scope."""
    wanted: dict[ScopeKind, list[str]] = defaultdict(list)
    for q in queries:
        if q.id not in wanted[q.scope]:
            wanted[q.scope].append(q.id)
    kinds = list(wanted)
    found = await asyncio.gather(*(store.read(STAGES[k], ids=wanted[k]) for k in kinds))
    return {
        (kind, id): _Scope(tuple(_stage(s) for s in stages), _declared(stages))
        for kind, rows in zip(kinds, found, strict=True)
        for id, stages in collected(rows, "scopes")
    }


def _month_start(at: datetime) -> datetime:
    at = at.astimezone(UTC)
    return datetime(at.year, at.month, 1, tzinfo=UTC)


def _months(since: datetime, until: datetime) -> list[datetime]:
    """The first instants of the months from `since`'s to `until`'s, both included."""
    months, month = [], _month_start(since)
    while month <= until:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _scope(
    query: FlowQuery,
    stages: tuple[FlowStage, ...],
    level: FlowItemLevel,
    kinds: tuple[WorkItemKind, ...],
) -> dict[str, Any]:
    """What metrics/load_visits takes of a scope (and the forecasts' item statements)."""
    ids = [s.id for s in stages]
    done = [s.id for s in stages if s.state is StageState.DONE]
    nested = NESTED[level]
    since = _month_start(query.window.start)
    until = max(query.window.end, datetime.now(UTC)) + _MONTHS_AHEAD
    scope: dict[str, Any] = {
        "stages": ids,
        "openStages": [s.id for s in stages if s.state is not StageState.DONE],
        "doneStages": done,
        # Items in a done stage: those that entered it since `since` are read by month.
        "since": since,
        "doneMonths": [stage_month(s, m) for s in done for m in _months(since, until)],
        "start": query.window.start,
        "kinds": [k.value for k in kinds],
        "flowTypes": [t.value for t in query.flow_types],
        "underParent": None,
        "overChild": None,
    }
    if nested is not None:
        kind, other, relation = nested
        scope["underParent" if relation == "parent" else "overChild"] = [kind.value, other.value]
    if query.scope is ScopeKind.TEAM:
        scope["team"] = query.id
    return scope


async def load_flow_data_many(
    store: GraphStore, queries: Sequence[FlowQuery], *, resting: bool = True
) -> list[FlowData]:
    """The stages, the window's items and (with `resting`) the resting counts of several
    scopes and windows, in the same round trips as one: the stages first, then every
    scope's items and resting counts (team scopes side by side with the others, as they
    start from the team). Without `resting` the items resting in a done stage since
    before the window's first month are not counted: only a done stage's count needs
    them (its WIP, its CFD band; `count_resting_many` counts them apart)."""
    found = await _stages(store, queries)
    scoped = _scoped(queries, found)
    items_of = _families(scoped, VISITS_OF_TEAM, VISITS)
    counts_of = _families(scoped, RESTING_OF_TEAM, RESTING) if resting else []
    answers = await asyncio.gather(
        *(
            # Plain answers (ids, numbers, lists of them): not walked again in Python.
            store.read_plain(statement, scopes=[scoped[n].parameters for n in members])
            for statement, members in (*items_of, *counts_of)
        )
    )
    moving: dict[int, list[Any]] = defaultdict(list)
    for (_, members), rows in zip(items_of, answers[: len(items_of)], strict=True):
        for row in rows:
            moving[members[row["n"]]] += row["items"]
    counts = _counts(counts_of, answers[len(items_of) :])
    out = []
    for n, (query, each) in enumerate(zip(queries, scoped, strict=True)):
        if not each.stages:
            empty = FlowData.of(query.window, (), (), {}, query.flow_types)
            out.append(dataclasses.replace(empty, level=each.level, kinds=each.kinds))
            continue
        history, rest = _in_window(
            _history(query, each.stages, moving.get(n, [])),
            each.stages,
            micros(query.window.start),
            micros(query.window.end),
        )
        rest.update(counts.get(n, {}))
        out.append(
            FlowData(
                query.window,
                each.stages,
                history,
                dict(rest),
                query.flow_types,
                level=each.level,
                kinds=each.kinds,
            )
        )
    return out


async def count_resting_many(
    store: GraphStore, queries: Sequence[FlowQuery]
) -> list[dict[str, int]]:
    """Per query, by done stage: the items resting there since before the window's first
    month, which `load_flow_data_many(..., resting=False)` leaves out (`FlowData.with_resting`
    adds them)."""
    scoped = _scoped(queries, await _stages(store, queries))
    counts_of = _families(scoped, RESTING_OF_TEAM, RESTING)
    answers = await asyncio.gather(
        *(
            store.read_plain(statement, scopes=[scoped[n].parameters for n in members])
            for statement, members in counts_of
        )
    )
    counts = _counts(counts_of, list(answers))
    return [counts.get(n, {}) for n in range(len(queries))]


@dataclass(frozen=True)
class _Scoped:
    """A query's scope as the item statements take it."""

    stages: tuple[FlowStage, ...]
    level: FlowItemLevel
    kinds: tuple[WorkItemKind, ...]
    team: bool
    parameters: dict[str, Any]


def _scoped(
    queries: Sequence[FlowQuery], found: dict[tuple[ScopeKind, str], _Scope]
) -> list[_Scoped]:
    out = []
    for q in queries:
        scope = found.get((q.scope, q.id), _Scope((), None))
        level, kinds = resolve(q, scope.level)
        parameters = _scope(q, scope.stages, level, kinds) if scope.stages else {}
        out.append(_Scoped(scope.stages, level, kinds, q.scope is ScopeKind.TEAM, parameters))
    return out


def _families(
    scoped: Sequence[_Scoped], of_team: Query, of_stages: Query
) -> list[tuple[Query, list[int]]]:
    """The statements to run and the queries (by place) each runs for: team scopes start
    from the team, the others from their stages; scopes without stages run nothing."""
    teams = [n for n, s in enumerate(scoped) if s.stages and s.team]
    others = [n for n, s in enumerate(scoped) if s.stages and not s.team]
    return [(st, members) for st, members in ((of_team, teams), (of_stages, others)) if members]


def _counts(
    families: Sequence[tuple[Query, list[int]]], answers: Sequence[list[Any]]
) -> dict[int, dict[str, int]]:
    """metrics/count_resting's rows, by query place and stage."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for (_, members), rows in zip(families, answers, strict=True):
        for row in rows:
            for stage, resting in row["stages"]:
                counts[members[row["n"]]][stage] = int(resting)
    return counts


async def load_flow_data(store: GraphStore, query: FlowQuery, *, resting: bool = True) -> FlowData:
    """The stages, the window's items and (with `resting`) the resting counts of a scope
    over a window."""
    return (await load_flow_data_many(store, [query], resting=resting))[0]


# ---------------------------------------------------------------------------------------
# The same rules for other loaders (graph/analysis/load.py: forecast throughput)


def scope_of(stage_rows: list[Any]) -> tuple[tuple[FlowStage, ...], FlowItemLevel | None]:
    """Stages given as metrics/load_stages_* give them, and the flow-item level their
    value streams declare (None unless they all declare the same one)."""
    return tuple(_stage(s) for s in stage_rows), (_declared(stage_rows) if stage_rows else None)


async def load_scope(
    store: GraphStore, query: FlowQuery
) -> tuple[tuple[FlowStage, ...], FlowItemLevel, tuple[WorkItemKind, ...]]:
    """A scope's stages, and the level and kinds its flow metrics count (1 query)."""
    scope = (await _stages(store, [query])).get((query.scope, query.id), _Scope((), None))
    return (scope.stages, *resolve(query, scope.level))


def item_parameters(
    query: FlowQuery,
    stages: tuple[FlowStage, ...],
    level: FlowItemLevel,
    kinds: tuple[WorkItemKind, ...],
) -> dict[str, Any]:
    """The parameters metrics/load_visits takes of a scope (stages, kinds, flow types,
    the level's nested-item rule, the window), for statements that read items the same
    way."""
    return _scope(query, stages, level, kinds)


def flow_data_of(
    query: FlowQuery,
    stages: tuple[FlowStage, ...],
    rows: list[Any],
    level: FlowItemLevel,
    kinds: tuple[WorkItemKind, ...],
) -> FlowData:
    """Flow data of the query's window from items in metrics/load_visits' item shape."""
    return FlowData(
        query.window,
        stages,
        _history(query, stages, rows),
        {},
        query.flow_types,
        level=level,
        kinds=kinds,
    )
