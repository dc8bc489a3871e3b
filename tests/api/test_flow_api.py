"""The flow-metrics fields of ValueStream, Product and Team over real HTTP.

SmallOrg's stream: Backlog (new) -> Dev (active) -> Review (waiting) -> Done. Window
[Mon 2025-03-03, Mon 2025-03-10) UTC:
- story1: Backlog 02-20, Dev 03-01, Review 03-04, Done 03-06: flow time 5 d, 3 d active;
- story2: Dev from 03-05 on: the load at 03-10, aged 5 d (not past the p85 of 5 d).
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.api.conftest import Api
from tests.factories import SmallOrg, node, rel, state

pytestmark = pytest.mark.db

FIELDS = """
  flowMetrics(from: $from, to: $to) {
    from to flowVelocity flowEfficiency flowLoad flowLoadDailyMean
    flowTime { count medianDays p85Days meanDays }
    flowVelocityWeekly { start end count }
    flowLoadDaily { end count }
    byFlowType { flowType velocity flowTime { medianDays } }
    distributionDone { flowType count share }
    distributionLoad { flowType count share }
  }
  stageMetrics(from: $from, to: $to) {
    stage { key state } wip arrivals departures timeInStage { medianDays } flowTimeShare
  }
  cfd(from: $from, to: $to, interval: WEEK) { interval stages { key } points { end counts } }
  agingWip(from: $from, to: $to) {
    at p85FlowTimeDays
    items { item { key title } kind flowType ageDays daysInStage stage { key } pastP85 }
  }
"""
QUERY = (
    "query($id: ID!, $from: DateTime, $to: DateTime) { node(id: $id) {"
    " ... on ValueStream {" + FIELDS + "} ... on Product {" + FIELDS + "}"
    " ... on Team {" + FIELDS + "} } }"
)
WEEK = {"from": "2025-03-03T00:00:00Z", "to": "2025-03-10T00:00:00Z"}


async def load(api: Api) -> SmallOrg:
    org = SmallOrg()
    s1, s2 = org.id("story1"), org.id("story2")
    records = [
        *org.records(),
        state(s1, "2025-02-20T00:00:00Z", state="Backlog"),
        state(s1, "2025-03-01T00:00:00Z", state="In Progress"),
        state(s1, "2025-03-04T00:00:00Z", state="In Review"),
        state(s1, "2025-03-06T00:00:00Z", state="Done"),
        # +01:00: 03-05 00:00Z
        state(s2, "2025-03-05T01:00:00+01:00", state="In Progress"),
    ]
    await ingest(api.store, parse_objects(records))
    return org


async def metrics(api: Api, id: str, **window: str) -> dict[str, Any]:
    data = await api.graphql(QUERY, id=id, **window)
    node: dict[str, Any] = data["node"]
    return node


async def test_value_stream_fields_answer(api: Api) -> None:
    org = await load(api)
    before = api.store.round_trips
    vs = await metrics(api, f"ValueStream:{org.id('vs')}", **WEEK)
    # node, then one flow load shared by the four fields (stages, then the window's items)
    # beside the resting counts stageMetrics and cfd share (stages, then counts), then
    # the stages and work items the answer names: 8 reads at most, whatever the number
    # of items. Fewer are sent when they overlap in time: the two loaders' identical
    # stages reads are answered once while both are in flight (graph/db/read_gate.py),
    # and the named nodes' DataLoader batches depend on when their fields resolve (7 or
    # 8 asked in runs here). So 6 to 8, by timing; a read per item would be many more.
    assert 6 <= api.store.round_trips - before <= 8

    m = vs["flowMetrics"]
    assert (m["from"], m["to"]) == ("2025-03-03T00:00:00+00:00", "2025-03-10T00:00:00+00:00")
    assert m["flowVelocity"] == 1
    assert m["flowTime"] == {"count": 1, "medianDays": 5.0, "p85Days": 5.0, "meanDays": 5.0}
    assert m["flowEfficiency"] == pytest.approx(3 / 5)
    # in progress at the day ends 03-04 .. 03-10: story1 up to 03-06 00:00 (a move at an
    # instant is seen only after it), story2 from 03-06 00:00 (it started at 03-05 00:00).
    assert [p["count"] for p in m["flowLoadDaily"]] == [1, 1, 2, 1, 1, 1, 1]
    assert m["flowLoad"] == 1
    assert m["flowLoadDailyMean"] == pytest.approx(8 / 7)
    week = {"start": "2025-03-03T00:00:00+00:00", "end": "2025-03-10T00:00:00+00:00"}
    assert m["flowVelocityWeekly"] == [{**week, "count": 1}]
    assert {t["flowType"]: t["velocity"] for t in m["byFlowType"]} == {
        "FEATURE": 1, "DEFECT": 0, "RISK": 0, "DEBT": 0}  # fmt: skip
    assert m["distributionDone"][0] == {"flowType": "FEATURE", "count": 1, "share": 1.0}
    assert m["distributionDone"][1] == {"flowType": "DEFECT", "count": 0, "share": 0.0}

    stages = {s["stage"]["key"]: s for s in vs["stageMetrics"]}
    dev = stages[org.stage("dev")]
    # Dev: story1 left it (3 d; it entered before the window), story2 entered it; it
    # holds 3 of story1's 5 d of flow time.
    assert (dev["wip"], dev["arrivals"], dev["departures"]) == (1, 1, 1)
    assert dev["timeInStage"]["medianDays"] == 3.0
    assert dev["flowTimeShare"] == pytest.approx(0.6)
    assert stages[org.stage("backlog")]["timeInStage"]["medianDays"] is None

    cfd = vs["cfd"]
    assert cfd["interval"] == "WEEK"
    assert [s["key"] for s in cfd["stages"]] == [
        org.stage(s) for s in ("backlog", "dev", "review", "done")
    ]
    assert cfd["points"] == [{"end": "2025-03-10T00:00:00+00:00", "counts": [0, 1, 0, 1]}]

    aging = vs["agingWip"]
    assert aging["p85FlowTimeDays"] == 5.0
    assert aging["items"] == [{
        "item": {"key": org.id("story2"), "title": "Story 2"}, "kind": "STORY",
        "flowType": "FEATURE", "ageDays": 5.0, "daysInStage": 5.0,
        "stage": {"key": org.stage("dev")}, "pastP85": False}]  # fmt: skip


async def test_aging_wip_lists_the_oldest_first_and_counts_them_all(api: Api) -> None:
    org = SmallOrg()
    started = ["2025-03-02", "2025-02-25", "2025-03-07", "2025-03-01"]  # story0 .. story3
    records = [*org.records()]
    for n, day in enumerate(started):
        story = org.id(f"aging{n}")
        records += [
            node("Story", story, title=f"Aging {n}", createdAt="2025-01-01T00:00:00Z"),
            rel("FOR_PRODUCT", ("Story", story), ("Product", org.product)),
            state(story, f"{day}T00:00:00Z", state="In Progress"),
        ]
    await ingest(api.store, parse_objects(records))
    query = """query($id: ID!, $first: Int!) { node(id: $id) { ... on ValueStream {
      agingWip(to: "2025-03-10T00:00:00Z", first: $first) { count items { item { key } ageDays } }
    } } }"""
    vs = f"ValueStream:{org.id('vs')}"

    two = (await api.graphql(query, id=vs, first=2))["node"]["agingWip"]
    every = (await api.graphql(query, id=vs, first=10))["node"]["agingWip"]

    assert two == {"count": 4, "items": [
        {"item": {"key": org.id("aging1")}, "ageDays": 13.0},
        {"item": {"key": org.id("aging3")}, "ageDays": 9.0}]}  # fmt: skip
    assert every["count"] == 4
    assert [i["ageDays"] for i in every["items"]] == [13.0, 9.0, 8.0, 3.0]
    refused = await api.graphql_raw(query, id=vs, first=501)
    assert "largest page" in refused["errors"][0]["message"]


async def test_product_and_team_answer_the_same_for_a_one_stream_org(api: Api) -> None:
    org = await load(api)
    product = await metrics(api, f"Product:{org.product}", **WEEK)
    team = await metrics(api, f"Team:{org.id('team')}", **WEEK)
    assert product["flowMetrics"]["flowVelocity"] == team["flowMetrics"]["flowVelocity"] == 1
    assert product["agingWip"] == team["agingWip"]


async def test_an_empty_window_answers_nulls_not_zeros(api: Api) -> None:
    org = await load(api)
    vs = await metrics(
        api,
        f"ValueStream:{org.id('vs')}",
        **{"from": "2024-01-01T00:00:00Z", "to": "2024-01-08T00:00:00Z"},
    )
    m = vs["flowMetrics"]
    assert (m["flowVelocity"], m["flowLoad"]) == (0, 0)
    assert m["flowTime"] == {"count": 0, "medianDays": None, "p85Days": None, "meanDays": None}
    assert m["flowEfficiency"] is None
    assert {s["share"] for s in m["distributionDone"] + m["distributionLoad"]} == {None}
    assert {s["flowTimeShare"] for s in vs["stageMetrics"]} == {None}
    assert vs["agingWip"] == {"at": "2024-01-08T00:00:00+00:00", "p85FlowTimeDays": None,
                              "items": []}  # fmt: skip


async def test_default_window_and_bad_arguments(api: Api) -> None:
    org = await load(api)
    vs = await metrics(api, f"ValueStream:{org.id('vs')}")
    # the default window is the 90 days up to now: story1 was done long before it,
    # story2 is still in progress.
    m = vs["flowMetrics"]
    assert (m["flowVelocity"], m["flowLoad"]) == (0, 1)
    backwards = {"from": WEEK["to"], "to": WEEK["from"]}
    body = await api.graphql_raw(QUERY, id=f"ValueStream:{org.id('vs')}", **backwards)
    assert "must be before to" in body["errors"][0]["message"]
