"""Outcomes and flow-item levels read back through the real database.

SmallOrg's stream (Backlog new -> Dev active -> Review waiting -> Done done) plus a
"Won't Do" stage (done, declared `outcome: discarded`). The window is the week
[Mon 2025-03-03, Mon 2025-03-10) UTC; expected values are worked out in the comments.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.metrics.flow import (
    FlowData,
    FlowMetrics,
    FlowQuery,
    ScopeKind,
    StageCount,
    Window,
    cfd,
    flow_metrics,
)
from graph.metrics.flow_queries import load_flow_data
from graph.model import FlowItemLevel
from tests.factories import Record, SmallOrg, node, rel, state

pytestmark = pytest.mark.db

WINDOW = Window(datetime(2025, 3, 3, tzinfo=UTC), datetime(2025, 3, 10, tzinfo=UTC))


def records(org: SmallOrg) -> list[Record]:
    p = org.id
    out = org.records()
    out += [
        node("Stage", org.stage("wontdo"), name="Won't Do", order=5, state="done",
             states=["Won't Do"], outcome="discarded"),
        rel("HAS_STAGE", ("ValueStream", p("vs")), ("Stage", org.stage("wontdo"))),
    ]  # fmt: skip

    def item(kind: str, name: str, **extra: str) -> None:
        out.extend([
            node(kind, p(name), title=name, createdAt="2025-01-01T00:00:00Z", **extra),
            rel("FOR_PRODUCT", (kind, p(name)), ("Product", org.product)),
        ])  # fmt: skip

    def moves(name: str, *changes: tuple[str, str]) -> None:
        out.extend(state(p(name), f"2025-{at}:00Z", state=to) for to, at in changes)

    item("Feature", "feat1")
    item("Story", "s1")
    item("Story", "s2")
    item("Defect", "d1", resolution="Duplicate")
    item("Defect", "d2")
    item("Story", "s3")
    out.append(rel("PARENT_OF", ("Feature", p("feat1")), ("Story", p("s1"))))
    # feat1: 3 d (03-03 .. 03-06); its story s1: 2 d; s2, a story of no feature: 3 d.
    moves("feat1", ("In Progress", "03-03T00:00"), ("Done", "03-06T00:00"))
    moves("s1", ("In Progress", "03-03T00:00"), ("Done", "03-05T00:00"))
    moves("s2", ("In Progress", "03-04T00:00"), ("Done", "03-07T00:00"))
    # d1 reached Done but its tool resolved it as a duplicate; d2 went from the backlog
    # to Won't Do without being started.
    moves("d1", ("In Progress", "03-03T00:00"), ("Done", "03-05T00:00"))
    moves("d2", ("Backlog", "03-02T00:00"), ("Won't Do", "03-04T00:00"))
    # s3 started, then back to the backlog: out of the load.
    moves("s3", ("In Progress", "03-01T00:00"), ("Backlog", "03-05T00:00"))
    return out


@pytest.fixture
async def org(store: GraphStore) -> SmallOrg:
    org = SmallOrg()
    await ingest(store, parse_objects(records(org)))
    return org


async def _metrics(
    store: GraphStore, org: SmallOrg, level: FlowItemLevel | None = None
) -> tuple[FlowData, FlowMetrics]:
    query = FlowQuery(ScopeKind.VALUE_STREAM, org.id("vs"), WINDOW, level=level)
    data = await load_flow_data(store, query)
    return data, flow_metrics(data)


async def test_value_level_outcomes_and_load(store: GraphStore, org: SmallOrg) -> None:
    data, m = await _metrics(store, org)
    assert m.level is FlowItemLevel.VALUE
    # feat1 and s2 delivered (s1 is part of feat1): 2 items, 3 d each.
    assert (m.velocity, m.flow_time.median) == (2, 3.0)
    # d1 (resolution Duplicate, started, from Dev) and d2 (Won't Do, from the Backlog).
    assert m.discarded.count == 2
    assert m.discarded.share == pytest.approx(0.5)
    assert m.discarded.started == 1
    assert m.discarded.by_stage == (
        StageCount(org.stage("backlog"), 1),
        StageCount(org.stage("dev"), 1),
    )
    assert (m.load, m.returned_to_new) == (0, 1)  # s3 is back in the backlog
    # The CFD still shows where every item is: d2 sits in Won't Do.
    last = cfd(data).points[-1].counts
    assert (last[org.stage("wontdo")], last[org.stage("done")]) == (1, 3)


async def test_delivery_and_all_levels(store: GraphStore, org: SmallOrg) -> None:
    # delivery: s1 and s2, not feat1 (it has a story): 2 d and 3 d.
    _, m = await _metrics(store, org, FlowItemLevel.DELIVERY)
    assert (m.velocity, m.flow_time.median) == (2, 2.5)
    # all: feat1, s1 and s2 alike.
    _, m = await _metrics(store, org, FlowItemLevel.ALL)
    assert m.velocity == 3


async def test_a_value_stream_declares_its_level(store: GraphStore, org: SmallOrg) -> None:
    declared = node("ValueStream", org.id("vs"), name="Checkout", flowItemLevel="delivery")
    await ingest(store, parse_objects([declared]))
    _, m = await _metrics(store, org)
    assert (m.level, m.flow_time.median) == (FlowItemLevel.DELIVERY, 2.5)
