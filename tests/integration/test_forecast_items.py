"""Forecast throughput samples the Flow Items the flow metrics deliver, read back through
the real database.

The fixture is tests/integration/test_flow_outcomes.py's (SmallOrg's stream plus a
"Won't Do" stage declared discarded) with an epic over some of its items. Window: the
week [Mon 2025-03-03, Mon 2025-03-10) UTC, one sample per day.
"""

from __future__ import annotations

import pytest

from graph.analysis.load import (
    ForecastScope,
    count_open_descendants,
    load_done_times,
    load_throughput,
)
from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.metrics.flow import FlowQuery, ScopeKind, flow_metrics
from graph.metrics.flow_queries import load_flow_data
from graph.model import WorkItemKind
from tests.factories import Record, SmallOrg, node, rel, state
from tests.integration.test_flow_outcomes import WINDOW, records

pytestmark = pytest.mark.db

DAYS = 7


def epic(org: SmallOrg) -> list[Record]:
    """Epic e1 over feat1 (with its story s1), s2, d1, d2 and s3; s4, a story of feat1
    still in progress; the team owning s2 and d1."""
    p = org.id
    out = [
        node("Epic", p("e1"), title="e1", createdAt="2025-01-01T00:00:00Z"),
        rel("FOR_PRODUCT", ("Epic", p("e1")), ("Product", org.product)),
        node("Story", p("s4"), title="s4", createdAt="2025-01-01T00:00:00Z"),
        rel("FOR_PRODUCT", ("Story", p("s4")), ("Product", org.product)),
        rel("PARENT_OF", ("Feature", p("feat1")), ("Story", p("s4"))),
        state(p("s4"), "2025-03-03T00:00:00Z", state="In Progress"),
    ]
    kinds = {"feat1": "Feature", "s2": "Story", "d1": "Defect", "d2": "Defect", "s3": "Story"}
    out += [rel("PARENT_OF", ("Epic", p("e1")), (k, p(n))) for n, k in kinds.items()]
    # The team owns s2 and d1 too.
    out += [rel("OWNS", ("Team", p("team")), (kinds[n], p(n))) for n in ("s2", "d1")]
    return out


@pytest.fixture
async def org(store: GraphStore) -> SmallOrg:
    org = SmallOrg()
    await ingest(store, parse_objects(records(org) + epic(org)))
    return org


async def throughput(store: GraphStore, scope: ForecastScope, id: str) -> tuple[int, ...]:
    return await load_throughput(store, scope, id, WINDOW.end, DAYS)


async def test_a_value_streams_throughput_is_its_velocity(store: GraphStore, org: SmallOrg) -> None:
    # Done in the week: feat1 (03-06), s1 (03-05, a story of feat1: not a value-level
    # item), s2 (03-07), d1 (03-05, resolved Duplicate: discarded), d2 (03-04, Won't Do:
    # discarded). Delivered flow items: feat1 on day 3, s2 on day 4. (Counting every
    # done visit gave 0 1 2 1 1 0 0.)
    samples = await throughput(store, ForecastScope.VALUE_STREAM, org.id("vs"))
    assert samples == (0, 0, 0, 1, 1, 0, 0)
    data = await load_flow_data(store, FlowQuery(ScopeKind.VALUE_STREAM, org.id("vs"), WINDOW))
    assert sum(samples) == flow_metrics(data).velocity == 2


async def test_a_declared_level_and_asked_kinds_apply_as_in_the_flow_metrics(
    store: GraphStore, org: SmallOrg
) -> None:
    # The value stream declares the delivery level: s1 and s2, not feat1 (it has stories).
    declared = node("ValueStream", org.id("vs"), name="Checkout", flowItemLevel="delivery")
    await ingest(store, parse_objects([declared]))
    vs = org.id("vs")
    assert await throughput(store, ForecastScope.VALUE_STREAM, vs) == (0, 0, 1, 0, 1, 0, 0)
    # Kinds asked for: every item of them (level all), discarded ones still out.
    done = await load_done_times(
        store, ForecastScope.VALUE_STREAM, vs, WINDOW, [WorkItemKind.STORY, WorkItemKind.DEFECT]
    )
    assert [d.day for d in done] == [5, 7]  # s1, s2; d1 and d2 discarded


async def test_a_teams_and_an_epics_throughput(store: GraphStore, org: SmallOrg) -> None:
    # The team owns SmallOrg's own stories (none moved in the week), s2 (day 4) and d1
    # (discarded).
    assert await throughput(store, ForecastScope.TEAM, org.id("team")) == (0, 0, 0, 0, 1, 0, 0)
    # e1's descendants: feat1 (day 3) and s2 (day 4); s1 and s4 are parts of feat1, d1
    # and d2 discarded.
    assert await throughput(store, ForecastScope.WORK_ITEM, org.id("e1")) == ((0, 0, 0, 1, 1, 0, 0))
    # Open: s3 (back in the backlog); s4 is a part of feat1, not counted beside it.
    assert await count_open_descendants(store, org.id("e1")) == 1
