"""Loading what the flow metrics need (graph/metrics/flow.py) from the graph, in two queries
for any number of scopes (a nested list of value streams costs what one does).

A scope is a set of stages: a value stream's, a product's value streams', or those of
the value streams of the products a team contributes to (a team's scope counts only the
items it OWNS). Its items are the work items *now* in one of its stages: ingest keeps
each item's `currentStage` and `lastMovedAt` (docs/graph-model.md), indexed, so a scope's
items are found without walking every visit its stages ever had, and its visits as
columns on the item, so they are read with it.

Where each item was when the window began splits them, in the same pass:

- moved since the window began, or still in a stage other than a done one: loaded with
  their visits (metrics/load_visits), of which those to the scope's stages entered
  before the window's end are kept;
- in a done stage since before the window began: they rest there through the whole
  window and add only to that stage's CFD and WIP, so they are counted, not loaded.

Of the loaded items, those whose visits all ended before the window (they left and came
back after it) are dropped, and those resting in a done stage through the window (they
moved only after it) are counted with the resting ones. The cost follows the scope's
items and the window's activity, not the length of the history.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np

from graph.db.queries import cypher
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
from graph.model import FlowItemLevel, FlowType, Outcome, StageState, WorkItemKind
from graph.times import micros

STAGES = {
    ScopeKind.VALUE_STREAM: cypher("metrics/load_stages_of_value_stream"),
    ScopeKind.PRODUCT: cypher("metrics/load_stages_of_product"),
    ScopeKind.TEAM: cypher("metrics/load_stages_of_team"),
}
VISITS = cypher("metrics/load_visits")
VISITS_OF_TEAM = cypher("metrics/load_visits_of_team")

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


def _scope(
    query: FlowQuery,
    stages: tuple[FlowStage, ...],
    level: FlowItemLevel,
    kinds: tuple[WorkItemKind, ...],
) -> dict[str, Any]:
    """What metrics/load_visits takes of a scope (and the forecasts' item statements)."""
    ids = [s.id for s in stages]
    nested = NESTED[level]
    scope: dict[str, Any] = {
        "stages": ids,
        "openStages": [s.id for s in stages if s.state is not StageState.DONE],
        "doneStages": [s.id for s in stages if s.state is StageState.DONE],
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


async def load_flow_data_many(store: GraphStore, queries: Sequence[FlowQuery]) -> list[FlowData]:
    """The stages, moving items and resting counts of several scopes and windows, in
    the same round trips as one: the stages first, then every scope's items and resting
    counts (team scopes side by side with the others, as they start from the team)."""
    found = await _stages(store, queries)
    none = _Scope((), None)
    scopes_of = [found.get((q.scope, q.id), none) for q in queries]
    counted = [resolve(q, scope.level) for q, scope in zip(queries, scopes_of, strict=True)]
    scoped = [(q, scope.stages) for q, scope in zip(queries, scopes_of, strict=True)]
    teams = [n for n, (q, s) in enumerate(scoped) if s and q.scope is ScopeKind.TEAM]
    others = [n for n, (q, s) in enumerate(scoped) if s and q.scope is not ScopeKind.TEAM]
    families = [
        (st, members) for st, members in ((VISITS_OF_TEAM, teams), (VISITS, others)) if members
    ]
    answers = await asyncio.gather(
        *(
            store.read(statement, scopes=[_scope(*scoped[n], *counted[n]) for n in members])
            for statement, members in families
        )
    )
    moving: dict[int, list[Any]] = defaultdict(list)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for (_, members), rows in zip(families, answers, strict=True):
        for row in rows:
            n = members[row["n"]]
            for stage, resting, items in row["stages"]:
                moving[n] += items
                if resting:
                    counts[n][stage] = int(resting)
    out = []
    for n, (query, scope_stages) in enumerate(scoped):
        level, kinds = counted[n]
        if not scope_stages:
            empty = FlowData.of(query.window, (), (), {}, query.flow_types)
            out.append(dataclasses.replace(empty, level=level, kinds=kinds))
            continue
        history, resting = _in_window(
            _history(query, scope_stages, moving.get(n, [])),
            scope_stages,
            micros(query.window.start),
            micros(query.window.end),
        )
        resting.update(counts[n])
        out.append(
            FlowData(
                query.window,
                scope_stages,
                history,
                dict(resting),
                query.flow_types,
                level=level,
                kinds=kinds,
            )
        )
    return out


async def load_flow_data(store: GraphStore, query: FlowQuery) -> FlowData:
    """The stages, moving items and resting counts of a scope over a window."""
    return (await load_flow_data_many(store, [query]))[0]


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
