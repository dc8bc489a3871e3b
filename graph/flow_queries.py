"""Loading what the flow metrics need (graph/flow.py) from the graph, in three queries.

A scope is a set of stages: a value stream's, a product's value streams', or those of
the value streams of the products a team contributes to (a team's scope counts only the
items it OWNS). For a window, one query loads the items that moved in it or were in a
stage other than a done one during it, with their visits entered before its end (earlier
ones too: "started" may lie long before the window); another counts, per done stage, the
items resting in it throughout (done before the window and not reopened in it), which
only the CFD and the stage WIP need. The cost follows the window's activity, not the
history's length. Visit times arrive as epoch milliseconds (see metrics/load_visits).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from graph.flow import FlowData, FlowItem, FlowQuery, FlowStage, ScopeKind, Visit
from graph.model import FlowType, StageState, WorkItemKind
from graph.queries import cypher
from graph.store import GraphStore, Row

STAGES = {
    ScopeKind.VALUE_STREAM: cypher("metrics/load_stages_of_value_stream"),
    ScopeKind.PRODUCT: cypher("metrics/load_stages_of_product"),
    ScopeKind.TEAM: cypher("metrics/load_stages_of_team"),
}
VISITS = cypher("metrics/load_visits")
RESTING = cypher("metrics/count_items_done_throughout")

_KINDS = frozenset(k.value for k in WorkItemKind)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stage(row: Row) -> FlowStage:
    return FlowStage(
        id=row["id"],
        name=str(row["name"] or row["id"]),
        order=int(row["order"] or 0),
        state=StageState(row["state"]),
        value_stream=row["valueStream"],
    )


def _time(epoch_millis: int) -> datetime:
    # Exact: no float seconds in between.
    return EPOCH + timedelta(milliseconds=epoch_millis)


def _item(row: Row) -> FlowItem:
    kind = next(WorkItemKind(label) for label in row["labels"] if label in _KINDS)
    visits = sorted(
        (
            Visit(stage, _time(entered), None if exited is None else _time(exited))
            for stage, entered, exited in row["visits"]
        ),
        key=lambda v: (v.entered_at, v.stage),
    )
    return FlowItem(row["item"], kind, FlowType(row["flowType"]), tuple(visits))


async def load_flow_data(store: GraphStore, query: FlowQuery) -> FlowData:
    """The stages, moving items and resting counts of a scope over a window."""
    stages = tuple(_stage(r) for r in await store.read(STAGES[query.scope], id=query.id))
    if not stages:
        return FlowData(query.window, (), (), {}, query.flow_types)
    params = {
        "stages": [s.id for s in stages],
        "start": query.window.start,
        "end": query.window.end,
        "kinds": [k.value for k in query.kinds],
        "flowTypes": [t.value for t in query.flow_types],
        "team": query.id if query.scope is ScopeKind.TEAM else None,
    }
    # Independent reads: run side by side (the database has cores to spare for both).
    rows, counts = await asyncio.gather(store.read(VISITS, **params), store.read(RESTING, **params))
    resting = {r["stage"]: int(r["items"]) for r in counts}
    items = tuple(sorted((_item(r) for r in rows), key=lambda i: i.id))
    return FlowData(query.window, stages, items, resting, query.flow_types)
