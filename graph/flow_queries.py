"""Loading what the flow metrics need (graph/flow.py) from the graph, in three queries.

A scope is a set of stages: a value stream's, a product's value streams', or those of
the value streams of the products a team contributes to (a team's scope counts only the
items it OWNS). Its items are the work items *now* in one of its stages: ingest keeps
each item's `currentStage` and `lastMovedAt` (docs/graph-model.md), indexed, so a scope's
items are found without walking every visit its stages ever had.

Where each item was when the window began splits them three ways:

- moved since the window began, or still in a stage other than a done one: loaded with
  their visits entered before the window's end (metrics/load_visits);
- in a done stage since before the window began: they rest there through the whole
  window and add only to that stage's CFD and WIP, so they are counted, not loaded
  (metrics/count_items_done_throughout).

Of the loaded items, those whose visits all ended before the window (they left and came
back after it) are dropped, and those resting in a done stage through the window (they
moved only after it) are counted with the resting ones. The cost follows the scope's
items and the window's activity, not the length of the history.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import numpy as np

from graph.flow import FlowData, FlowQuery, FlowStage, ScopeKind
from graph.flow_history import NEVER, History, ItemFacts
from graph.model import FlowType, StageState, WorkItemKind
from graph.queries import cypher
from graph.store import GraphStore, Row
from graph.times import micros

STAGES = {
    ScopeKind.VALUE_STREAM: cypher("metrics/load_stages_of_value_stream"),
    ScopeKind.PRODUCT: cypher("metrics/load_stages_of_product"),
    ScopeKind.TEAM: cypher("metrics/load_stages_of_team"),
}
VISITS = cypher("metrics/load_visits")
VISITS_OF_TEAM = cypher("metrics/load_visits_of_team")
RESTING = cypher("metrics/count_items_done_throughout")
RESTING_OF_TEAM = cypher("metrics/count_items_done_throughout_of_team")

_KIND = {k.value: k for k in WorkItemKind}
_FLOW_TYPE = {t.value: t for t in FlowType}
#: How metrics/load_visits marks an open visit's exit.
_OPEN = -1
_MILLI = 1000


def _stage(row: Row) -> FlowStage:
    return FlowStage(
        id=row["id"],
        name=str(row["name"] or row["id"]),
        order=int(row["order"] or 0),
        state=StageState(row["state"]),
        value_stream=row["valueStream"],
    )


def _history(query: FlowQuery, stages: tuple[FlowStage, ...], rows: list[Any]) -> History:
    """Columns from metrics/load_visits' items (times in milliseconds)."""
    items = [
        ItemFacts(row[0], _KIND[row[1]], _FLOW_TYPE[row[2]], row[3], tuple(row[4])) for row in rows
    ]
    item_of, stage_of, entries, exits = [], [], [], []
    for n, row in enumerate(rows):
        item_of += [n] * len(row[5])
        stage_of += row[5]
        entries += row[6]
        exits += row[7]
    exited = np.asarray(exits, dtype=np.int64)
    visits = (
        item_of,
        stage_of,
        np.asarray(entries, dtype=np.int64) * _MILLI,
        np.where(exited == _OPEN, NEVER, exited * _MILLI),
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


async def load_flow_data(store: GraphStore, query: FlowQuery) -> FlowData:
    """The stages, moving items and resting counts of a scope over a window."""
    stages = tuple(_stage(r) for r in await store.read(STAGES[query.scope], id=query.id))
    if not stages:
        return FlowData.of(query.window, (), (), {}, query.flow_types)
    ids = [s.id for s in stages]
    filters: dict[str, Any] = {
        "start": query.window.start,
        "kinds": [k.value for k in query.kinds],
        "flowTypes": [t.value for t in query.flow_types],
    }
    if query.scope is ScopeKind.TEAM:
        filters["team"] = query.id
    visits = VISITS_OF_TEAM if query.scope is ScopeKind.TEAM else VISITS
    resting_query = RESTING_OF_TEAM if query.scope is ScopeKind.TEAM else RESTING
    # Independent reads: run side by side (the database has cores to spare for both).
    moving, counts = await asyncio.gather(
        store.read(
            visits,
            **filters,
            end=query.window.end,
            stages=ids,
            stageIndex={s: n for n, s in enumerate(ids)},
            openStages=[s.id for s in stages if s.state is not StageState.DONE],
        ),
        store.read(
            resting_query,
            **filters,
            doneStages=[s.id for s in stages if s.state is StageState.DONE],
        ),
    )
    history, resting = _in_window(
        _history(query, stages, moving[0]["items"] if moving else []),
        stages,
        micros(query.window.start),
        micros(query.window.end),
    )
    resting.update({r["stage"]: int(r["items"]) for r in counts})
    return FlowData(query.window, stages, history, dict(resting), query.flow_types)
