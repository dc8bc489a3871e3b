"""Flow metrics read back through the real database from a literal organisation.

The SmallOrg value stream: Backlog (new) -> Dev (active, "In Progress") -> Review
(waiting, "In Review") -> Done (done, "Done"/"Closed"). The window is the week
[Mon 2025-03-03, Mon 2025-03-10) UTC; expected values are worked out in the comments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.metrics.flow import (
    FlowQuery,
    Interval,
    ScopeKind,
    Window,
    aging_wip,
    cfd,
    flow_metrics,
    stage_metrics,
)
from graph.metrics.flow_queries import count_resting_many, load_flow_data
from graph.model import FlowType, WorkItemKind
from tests.factories import Record, SmallOrg, node, rel, state

pytestmark = pytest.mark.db

WINDOW = Window(datetime(2025, 3, 3, tzinfo=UTC), datetime(2025, 3, 10, tzinfo=UTC))


def org_records(org: SmallOrg) -> list[Record]:
    p = org.id
    out = org.records()  # story1 and story2, owned by the team
    out += [node("Team", p("team2"), name="Owls")]

    def item(kind: str, name: str, team: str = "team") -> None:
        out.extend([
            node(kind, p(name), title=name, createdAt="2025-01-01T00:00:00Z"),
            rel("FOR_PRODUCT", (kind, p(name)), ("Product", org.product)),
            rel("OWNS", ("Team", p(team)), (kind, p(name))),
        ])  # fmt: skip

    for kind, name, team in [
        ("Defect", "defect1", "team"),
        ("Story", "story3", "team"),
        ("Epic", "epic1", "team"),
        ("Story", "story4", "team"),
        ("Story", "story5", "team2"),
        ("Story", "resting", "team"),
    ]:
        item(kind, name, team)

    def moves(name: str, *changes: tuple[str, str]) -> None:
        out.extend(state(p(name), at, state=to) for to, at in changes)

    # story1: started 03-01, done 03-06: flow time 5 d, 3 d of it in Dev (active).
    moves("story1", ("Backlog", "2025-02-20T00:00:00Z"), ("In Progress", "2025-03-01T00:00:00Z"),
          ("In Review", "2025-03-04T00:00:00Z"), ("Done", "2025-03-06T00:00:00Z"))  # fmt: skip
    # story2: done 03-02, reopened 03-04 12:00 and still in Dev: not done, in the load.
    moves("story2", ("In Progress", "2025-02-25T00:00:00Z"), ("Done", "2025-03-02T00:00:00Z"),
          ("In Progress", "2025-03-04T12:00:00Z"))  # fmt: skip
    # defect1, in +02:00: Dev at 03-05 00:00Z, Closed at 03-06 12:00Z: 1.5 d, all active.
    moves("defect1", ("In Progress", "2025-03-05T02:00:00+02:00"),
          ("Closed", "2025-03-06T14:00:00+02:00"))  # fmt: skip
    # story3: never started, in the Backlog from 03-05.
    moves("story3", ("Backlog", "2025-03-05T00:00:00Z"))
    # epic1: done in the window, but epics are not counted by default.
    moves("epic1", ("In Progress", "2025-03-01T00:00:00Z"), ("Done", "2025-03-05T00:00:00Z"))
    # story4: started 02-27, in Review from 03-08 12:00, done 03-12 (after the window).
    moves("story4", ("In Progress", "2025-02-27T00:00:00Z"), ("In Review", "2025-03-08T12:00:00Z"),
          ("Done", "2025-03-12T00:00:00Z"))  # fmt: skip
    # story5 (the other team's): 1 d in Dev, done 03-04.
    moves("story5", ("In Progress", "2025-03-03T00:00:00Z"), ("Done", "2025-03-04T00:00:00Z"))
    # resting: done in January and still done: only the CFD and Done's WIP see it.
    moves("resting", ("In Progress", "2025-01-10T00:00:00Z"), ("Done", "2025-01-20T00:00:00Z"))
    return out


@pytest.fixture
async def org(store: GraphStore) -> SmallOrg:
    org = SmallOrg()
    await ingest(store, parse_objects(org_records(org)))
    return org


def query(org: SmallOrg, scope: ScopeKind = ScopeKind.VALUE_STREAM, **kw: object) -> FlowQuery:
    ids = {
        ScopeKind.VALUE_STREAM: org.id("vs"),
        ScopeKind.PRODUCT: org.product,
        ScopeKind.TEAM: org.id("team"),
    }
    return FlowQuery(scope, ids[scope], kw.pop("window", WINDOW), **kw)  # type: ignore[arg-type]


async def test_value_stream_flow_metrics(store: GraphStore, org: SmallOrg) -> None:
    data = await load_flow_data(store, query(org))
    m = flow_metrics(data)
    # done in the window: story1 (5 d), defect1 (1.5 d), story5 (1 d); story2 reopened.
    assert m.velocity == 3
    # [1, 1.5, 5]: median 1.5, p85 at rank 1.7 -> 1.5 + 0.7 * 3.5 = 3.95, mean 2.5.
    assert (m.flow_time.median, m.flow_time.mean) == (1.5, 2.5)
    assert m.flow_time.p85 == pytest.approx(3.95)
    # active: 3 + 1.5 + 1 of 7.5 d.
    assert m.efficiency == pytest.approx(5.5 / 7.5)
    # in progress at 03-10: story2 and story4 (epic1 is not counted, story3 never started).
    assert m.load == 2
    done = {s.flow_type: s.count for s in m.distribution_done}
    assert done == {FlowType.FEATURE: 2, FlowType.DEFECT: 1, FlowType.RISK: 0, FlowType.DEBT: 0}


async def test_only_what_the_window_needs_is_loaded(store: GraphStore, org: SmallOrg) -> None:
    before = store.round_trips
    data = await load_flow_data(store, query(org))
    # stages, then the window's items and the resting counts side by side.
    assert store.round_trips - before == 3
    ids = sorted(i.id.removeprefix(org.id("")) for i in data.items)
    assert ids == ["defect1", "story1", "story2", "story3", "story4", "story5"]
    assert data.resting == {org.stage("done"): 1}
    # Without the resting counts (the analyses): one statement less, the same items, and
    # the resting item is neither read nor counted until counted apart.
    before = store.round_trips
    bare = await load_flow_data(store, query(org), resting=False)
    assert store.round_trips - before == 2
    assert sorted(i.id for i in bare.items) == sorted(i.id for i in data.items)
    assert bare.resting == {}
    counted = await count_resting_many(store, [query(org)])
    assert bare.with_resting(counted[0]).resting == data.resting
    # story4's Done visit (03-12) is after the window: not loaded.
    story4 = next(i for i in data.items if i.id == org.id("story4"))
    assert [v.stage for v in story4.visits] == [org.stage("dev"), org.stage("review")]


async def test_an_item_done_through_the_window_and_reopened_after_it_is_counted_not_loaded(
    store: GraphStore, org: SmallOrg
) -> None:
    # Done 01-20, reopened 03-15: it moved after the window began, so the database hands
    # it over with the moving items, but in the window it only rested in Done.
    later = org.id("later")
    records = [
        node("Story", later, title="later", createdAt="2025-01-01T00:00:00Z"),
        rel("FOR_PRODUCT", ("Story", later), ("Product", org.product)),
        state(later, "2025-01-10T00:00:00Z", state="In Progress"),
        state(later, "2025-01-20T00:00:00Z", state="Done"),
        state(later, "2025-03-15T00:00:00Z", state="In Progress"),
    ]
    await ingest(store, parse_objects(records))
    data = await load_flow_data(store, query(org))
    assert later not in {i.id for i in data.items}
    assert data.resting == {org.stage("done"): 2}


async def test_stage_metrics_and_cfd(store: GraphStore, org: SmallOrg) -> None:
    data = await load_flow_data(store, query(org))
    stages = {s.stage.id.removeprefix(org.id("stage-")): s for s in stage_metrics(data)}
    # at 03-10: Backlog story3; Dev story2; Review story4; Done story1, defect1, story5,
    # resting.
    assert {k: s.wip for k, s in stages.items()} == {
        "backlog": 1, "dev": 1, "review": 1, "done": 4}  # fmt: skip
    # entered in the window: Backlog story3; Dev story2 (again), defect1, story5; Review
    # story1, story4; Done story1, defect1, story5.
    assert {k: s.arrivals for k, s in stages.items()} == {
        "backlog": 1, "dev": 3, "review": 2, "done": 3}  # fmt: skip
    # left Dev in the window: story1 (3 d), story5 (1 d), defect1 (1.5 d), story4 (9.5 d).
    assert stages["dev"].time_in_stage.median == pytest.approx(2.25)
    # share of the 7.5 d of flow time: Dev 5.5, Review 2 (story1).
    assert stages["dev"].flow_time_share == pytest.approx(5.5 / 7.5)
    assert stages["review"].flow_time_share == pytest.approx(2 / 7.5)

    order = [org.stage(s) for s in ("backlog", "dev", "review", "done")]
    points = cfd(data, Interval.DAY).points
    # end of 03-03 (03-04 00:00): Dev story1, story4, story5 (done at 03-04 exactly);
    # Done story2 (until 03-04 12:00) and resting.
    assert [points[0].counts[s] for s in order] == [0, 3, 0, 2]
    assert [points[-1].counts[s] for s in order] == [1, 1, 1, 4]


async def test_aging_wip(store: GraphStore, org: SmallOrg) -> None:
    aging = aging_wip(await load_flow_data(store, query(org)))
    # story2: started 02-25, 13 d; story4: started 02-27, 11 d; both past the p85 3.95 d.
    rows = [(a.id.removeprefix(org.id("")), a.age, a.past_p85) for a in aging.items]
    assert rows == [("story2", 13.0, True), ("story4", 11.0, True)]
    assert aging.items[0].stage == org.stage("dev")


async def test_team_product_and_kind_filters(store: GraphStore, org: SmallOrg) -> None:
    # the team owns all but story5: story1 and defect1 done; Done holds them and resting.
    team = await load_flow_data(store, query(org, ScopeKind.TEAM))
    assert flow_metrics(team).velocity == 2
    assert {s.stage.id: s.wip for s in stage_metrics(team)}[org.stage("done")] == 3
    # the product has one value stream: the same answer as the value stream.
    product = flow_metrics(await load_flow_data(store, query(org, ScopeKind.PRODUCT)))
    assert (product.velocity, product.load) == (3, 2)
    # only epics: epic1, started 03-01, done 03-05.
    epics = flow_metrics(await load_flow_data(store, query(org, kinds=(WorkItemKind.EPIC,))))
    assert (epics.velocity, epics.flow_time.median) == (1, 4.0)
    # only defects: defect1.
    defects = await load_flow_data(store, query(org, flow_types=(FlowType.DEFECT,)))
    assert flow_metrics(defects).velocity == 1
    assert [d.flow_type for d in flow_metrics(defects).distribution_done] == [FlowType.DEFECT]


async def test_windows_in_other_time_zones_and_empty_windows(
    store: GraphStore, org: SmallOrg
) -> None:
    cet = timezone(timedelta(hours=1))
    zoned = Window(datetime(2025, 3, 3, 1, tzinfo=cet), datetime(2025, 3, 10, 1, tzinfo=cet))
    assert flow_metrics(await load_flow_data(store, query(org, window=zoned))).velocity == 3
    # a week in 2024, before any item moved: zero counts, no statistics.
    empty = Window(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 8, tzinfo=UTC))
    m = flow_metrics(await load_flow_data(store, query(org, window=empty)))
    assert (m.velocity, m.load, m.flow_time.median, m.efficiency) == (0, 0, None, None)
    # an unknown value stream has no stages and nothing in it.
    none = await load_flow_data(store, FlowQuery(ScopeKind.VALUE_STREAM, "no-such-stream", WINDOW))
    assert (none.stages, none.items) == ((), ())
