"""Flow metrics math (graph/metrics/flow.py) on a literal value stream, worked out by hand.

The stream: b Backlog (new) -> a Dev (active) -> w Review (waiting) -> t Test (active)
-> d Done (done). The window is the week [Mon 2025-03-03, Mon 2025-03-10) UTC. Every
expected number below is derived in the comments from the visits written out here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from graph.errors import InvalidArgument
from graph.metrics.flow import (
    FlowData,
    FlowItem,
    FlowStage,
    Interval,
    Visit,
    Window,
    aging_wip,
    buckets,
    cfd,
    durations,
    flow_metrics,
    stage_metrics,
)
from graph.model import FlowType, StageState, WorkItemKind

STAGES = (
    FlowStage("b", "Backlog", 1, StageState.NEW, "vs"),
    FlowStage("a", "Dev", 2, StageState.ACTIVE, "vs"),
    FlowStage("w", "Review", 3, StageState.WAITING, "vs"),
    FlowStage("t", "Test", 4, StageState.ACTIVE, "vs"),
    FlowStage("d", "Done", 5, StageState.DONE, "vs"),
)
WINDOW = Window(datetime(2025, 3, 3, tzinfo=UTC), datetime(2025, 3, 10, tzinfo=UTC))


def at(text: str) -> datetime:
    """'03-04 12:00' (or '03-04') in March 2025, February for '02-..', UTC."""
    day, _, clock = text.partition(" ")
    month, dom = (int(x) for x in day.split("-"))
    hour, minute = (int(x) for x in (clock or "00:00").split(":"))
    return datetime(2025, month, dom, hour, minute, tzinfo=UTC)


def item(
    id: str, kind: WorkItemKind, flow_type: FlowType, *moves: tuple[str, datetime]
) -> FlowItem:
    """An item from its moves (stage, when), each visit closed by the next move."""
    visits = [
        Visit(stage, entered, moves[n + 1][1] if n + 1 < len(moves) else None)
        for n, (stage, entered) in enumerate(moves)
    ]
    return FlowItem(id, kind, flow_type, tuple(visits))


STORY, DEFECT, DEBT, RISK, FEATURE = (
    WorkItemKind.STORY,
    WorkItemKind.DEFECT,
    WorkItemKind.DEBT,
    WorkItemKind.RISK,
    WorkItemKind.FEATURE,
)
F, D, R, X = FlowType.FEATURE, FlowType.DEFECT, FlowType.RISK, FlowType.DEBT

# 1 plain: started 03-01 (before the window), done 03-06: flow time 5 d; in [started,
#   done] a holds 3 d, w 1 d, t 1 d.
PLAIN = item("1", STORY, F, ("b", at("02-20")), ("a", at("03-01")), ("w", at("03-04")),
             ("t", at("03-05")), ("d", at("03-06")))  # fmt: skip
# 2 reopened after done: started 02-25, done 03-02, reopened 03-04 12:00 and still in a:
#   not done at the window's end, so in the load, aged 03-10 - 02-25 = 13 d.
REOPENED = item("2", WorkItemKind.DEBT, X, ("a", at("02-25")), ("d", at("03-02")),
                ("a", at("03-04 12:00")))  # fmt: skip
# 3 crosses both window edges: started 02-27, in w from 03-08 12:00, done 03-12 (after
#   the window, so unknown as of its end): in the load, aged 11 d (2025 is no leap year).
CROSSING = item("3", RISK, R, ("a", at("02-27")), ("w", at("03-08 12:00")),
                ("d", at("03-12")))  # fmt: skip
# 4 never started: in the backlog from 03-05 on; no flow time, no load, no aging.
NEVER = item("4", STORY, F, ("b", at("03-05")))
# 5 rework: a -> w -> t -> back to a -> t -> d, started at exactly `from`, done 03-07:
#   flow time 4 d; a 0.5 + 1 = 1.5 d, w 0.5 d, t 1 + 1 = 2 d.
REWORK = item("5", DEFECT, D, ("a", at("03-03")), ("w", at("03-03 12:00")), ("t", at("03-04")),
              ("a", at("03-05")), ("t", at("03-06")), ("d", at("03-07")))  # fmt: skip
# 6 given in other time zones: a at 03-06 23:00 -05:00 = 03-07 04:00Z, d at 03-08 01:00
#   +01:00 = 03-08 00:00Z: flow time 20 h = 5/6 d, all of it in a.
EST, CET = timezone(timedelta(hours=-5)), timezone(timedelta(hours=1))
ZONED = item("6", FEATURE, F, ("a", datetime(2025, 3, 6, 23, tzinfo=EST)),
             ("d", datetime(2025, 3, 8, 1, tzinfo=CET)))  # fmt: skip
# 7 young: started 03-09, still in a: in the load at 03-10 only, aged 1 d.
YOUNG = item("7", STORY, F, ("a", at("03-09")))

DATA = FlowData.of(
    WINDOW,
    STAGES,
    (PLAIN, REOPENED, CROSSING, NEVER, REWORK, ZONED, YOUNG),
    resting={"d": 3},  # done before the window and still done: CFD and WIP only
)
H = 1 / 24


def test_velocity_counts_items_done_in_the_window_and_not_the_reopened_one() -> None:
    m = flow_metrics(DATA)
    # done in [03-03, 03-10) and still done at 03-10: items 1, 5 and 6.
    assert m.velocity == 3
    assert [(p.start, p.end, p.count) for p in m.velocity_weekly] == [(at("03-03"), at("03-10"), 3)]


def test_flow_time_median_p85_mean() -> None:
    m = flow_metrics(DATA)
    # [5/6, 4, 5]: median 4; p85 at rank 0.85 * 2 = 1.7 -> 4 + 0.7 * (5 - 4) = 4.7;
    # mean (5/6 + 4 + 5) / 3 = 59/18.
    assert m.flow_time.count == 3
    assert m.flow_time.median == pytest.approx(4.0)
    assert m.flow_time.p85 == pytest.approx(4.7)
    assert m.flow_time.mean == pytest.approx(59 / 18)


def test_flow_efficiency_sums_active_time_over_flow_time() -> None:
    # active: item 1: 3 + 1, item 5: 1.5 + 2, item 6: 5/6 -> 25/3 d; flow time 59/6 d.
    assert flow_metrics(DATA).efficiency == pytest.approx(50 / 59)


def test_flow_load_at_the_end_and_daily() -> None:
    m = flow_metrics(DATA)
    # in progress intervals (a, b]: 1 (03-01, 03-06]; 2 (02-25, 03-02] and (03-04 12:00, ...);
    # 3 (02-27, ...); 5 (03-03, 03-07]; 6 (03-07 04:00, 03-08]; 7 (03-09, ...).
    # day ends 03-04: 1, 3, 5 = 3 (2 is done until 03-04 12:00); 03-05: 1, 2, 3, 5 = 4;
    # 03-06: 1 (done at 03-06 is not yet seen at 03-06), 2, 3, 5 = 4; 03-07: 2, 3, 5 = 3;
    # 03-08: 2, 3, 6 = 3; 03-09: 2, 3 = 2 (7 starts at 03-09 exactly); 03-10: 2, 3, 7 = 3.
    assert [p.count for p in m.load_daily] == [3, 4, 4, 3, 3, 2, 3]
    assert m.load_daily[0].end == at("03-04")
    assert m.load == 3
    assert m.load_daily_mean == pytest.approx(22 / 7)


def test_per_flow_type_and_distribution() -> None:
    m = flow_metrics(DATA)
    by_type = {t.flow_type: t for t in m.by_flow_type}
    # feature: items 1 (5 d) and 6 (5/6 d): median = mean = 35/12; p85 = 5/6 + 0.85 * 25/6.
    assert by_type[F].velocity == 2
    assert by_type[F].flow_time.median == pytest.approx(35 / 12)
    assert by_type[F].flow_time.p85 == pytest.approx(5 / 6 + 0.85 * 25 / 6)
    assert by_type[D].velocity == 1
    assert by_type[D].flow_time.median == pytest.approx(4.0)
    # nothing of type risk was done: a count of 0, statistics unknown.
    assert by_type[R].velocity == 0
    assert by_type[R].flow_time.median is None
    done = {s.flow_type: (s.count, s.share) for s in m.distribution_done}
    assert done == {F: (2, pytest.approx(2 / 3)), D: (1, pytest.approx(1 / 3)), R: (0, 0.0),
                    X: (0, 0.0)}  # fmt: skip
    # the load at 03-10 is items 2 (debt), 3 (risk) and 7 (feature).
    load = {s.flow_type: s.count for s in m.distribution_load}
    assert load == {F: 1, D: 0, R: 1, X: 1}


def test_stage_metrics() -> None:
    stages = {s.stage.id: s for s in stage_metrics(DATA)}
    # WIP at 03-10: b: 4; a: 2, 7; w: 3; t: none; d: 1, 5, 6 and 3 resting.
    assert {k: s.wip for k, s in stages.items()} == {"b": 1, "a": 2, "w": 1, "t": 0, "d": 6}
    # arrivals in the window: b: 4; a: 2, 5, 5 again, 6, 7; w: 1, 3, 5; t: 1, 5, 5; d: 1, 5, 6.
    assert {k: s.arrivals for k, s in stages.items()} == {"b": 1, "a": 5, "w": 3, "t": 3, "d": 3}
    # departures from a: 1 (3 d), 5 (0.5 d), 5 (1 d), 6 (5/6 d), 3 (02-27 -> 03-08 12:00,
    # 9.5 d); sorted [0.5, 5/6, 1, 3, 9.5]: median 1; p85 rank 3.4 -> 3 + 0.4 * 6.5 = 5.6.
    a = stages["a"].time_in_stage
    assert (stages["a"].departures, a.median, a.p85) == (5, 1.0, pytest.approx(5.6))
    assert a.mean == pytest.approx((0.5 + 5 / 6 + 1 + 3 + 9.5) / 5)
    # w: 1 (1 d), 5 (0.5 d): median 0.75, p85 0.5 + 0.85 * 0.5; d: item 2 left it (2.5 d).
    assert stages["w"].time_in_stage.p85 == pytest.approx(0.925)
    assert (stages["d"].departures, stages["d"].time_in_stage.median) == (1, 2.5)
    # nobody left the backlog in the window: no time in stage.
    assert stages["b"].departures == 0
    assert stages["b"].time_in_stage.median is None
    # share of the 59/6 d of flow time of items 1, 5, 6: a 3 + 1.5 + 5/6 = 16/3 -> 32/59;
    # w 1 + 0.5 -> 9/59; t 1 + 2 -> 18/59; b and d none of it.
    shares = {k: s.flow_time_share for k, s in stages.items()}
    assert shares == {"b": 0.0, "a": pytest.approx(32 / 59), "w": pytest.approx(9 / 59),
                      "t": pytest.approx(18 / 59), "d": 0.0}  # fmt: skip


def test_cfd_counts_items_per_stage_at_each_day_end() -> None:
    daily = cfd(DATA, Interval.DAY)
    rows = [(p.end, [p.counts[s] for s in "bawtd"]) for p in daily.points]
    # at the end of each day (the next day's 00:00; a move at that instant is the next
    # day's), stages b, a, w, t, d (d with 3 resting items):
    assert rows == [
        (at("03-04"), [0, 2, 1, 0, 4]),  # a: 1, 3; w: 5; d: 2 + 3
        (at("03-05"), [0, 2, 1, 1, 3]),  # a: 2, 3; w: 1; t: 5 (4 enters at 03-05 exactly)
        (at("03-06"), [1, 3, 0, 1, 3]),  # a: 2, 3, 5; t: 1
        (at("03-07"), [1, 2, 0, 1, 4]),  # t: 5; d: 1 + 3
        (at("03-08"), [1, 3, 0, 0, 5]),  # a: 2, 3, 6 (done at 03-08 exactly); d: 1, 5 + 3
        (at("03-09"), [1, 1, 1, 0, 6]),  # w: 3
        (at("03-10"), [1, 2, 1, 0, 6]),  # a: 2, 7
    ]
    weekly = cfd(DATA, Interval.WEEK)
    assert [(p.start, p.end) for p in weekly.points] == [(at("03-03"), at("03-10"))]
    assert weekly.points[0].counts == daily.points[-1].counts


def test_aging_wip_flags_items_older_than_the_p85_flow_time() -> None:
    aging = aging_wip(DATA)
    assert aging.at == at("03-10")
    assert aging.p85_flow_time == pytest.approx(4.7)
    rows = [(a.id, a.age, a.stage, a.in_stage, a.past_p85) for a in aging.items]
    # oldest first: 2 (13 d, in a since 03-04 12:00), 3 (11 d, in w since 03-08 12:00),
    # 7 (1 d, younger than 4.7 d). 4 never started; 1, 5, 6 are done.
    assert rows == [
        ("2", 13.0, "a", 5.5, True),
        ("3", 11.0, "w", 1.5, True),
        ("7", 1.0, "a", 1.0, False),
    ]


def test_an_empty_window_gives_counts_of_zero_and_no_statistics() -> None:
    empty = FlowData.of(WINDOW, STAGES, ())
    m = flow_metrics(empty)
    assert (m.velocity, m.load, m.load_daily_mean) == (0, 0, 0.0)
    assert m.flow_time.median is m.flow_time.p85 is m.flow_time.mean is None
    assert m.efficiency is None
    assert all(s.share is None for s in (*m.distribution_done, *m.distribution_load))
    for stage in stage_metrics(empty):
        assert (stage.wip, stage.arrivals, stage.departures) == (0, 0, 0)
        assert stage.time_in_stage.median is None
        assert stage.flow_time_share is None
    assert all(set(p.counts.values()) == {0} for p in cfd(empty).points)
    assert aging_wip(empty).items == ()
    assert aging_wip(empty).p85_flow_time is None


def test_without_a_done_item_the_aging_flag_is_unknown() -> None:
    aging = aging_wip(FlowData.of(WINDOW, STAGES, (YOUNG,)))
    assert [(a.id, a.past_p85) for a in aging.items] == [("7", None)]


def test_done_again_after_reopening_counts_from_the_first_start_without_the_done_stay() -> None:
    # started 02-20, done 02-25, reopened 03-04, done again 03-05 12:00: done in the
    # window once, flow time 03-05 12:00 - 02-20 = 13.5 d less the 7 d it sat done
    # (02-25 .. 03-04): 6.5 d; the reopened stretch counts, the done stay does not.
    again = item("9", STORY, F, ("a", at("02-20")), ("d", at("02-25")), ("a", at("03-04")),
                 ("d", at("03-05 12:00")))  # fmt: skip
    m = flow_metrics(FlowData.of(WINDOW, STAGES, (again,)))
    assert (m.velocity, m.flow_time.median) == (1, 6.5)
    # in [02-20, 03-05 12:00]: a 5 + 1.5 d of the 6.5 d of flow time: all of it active.
    assert m.efficiency == pytest.approx(1.0)


def test_done_is_the_entry_into_the_first_of_consecutive_done_stages() -> None:
    stages = (*STAGES, FlowStage("c", "Closed", 6, StageState.DONE, "vs"))
    closed = item("8", STORY, F, ("a", at("03-04")), ("d", at("03-05")), ("c", at("03-06")))
    m = flow_metrics(FlowData.of(WINDOW, stages, (closed,)))
    assert (m.velocity, m.flow_time.median) == (1, 1.0)


def test_a_done_item_never_started_counts_in_velocity_without_a_flow_time() -> None:
    closed = item("10", STORY, F, ("b", at("02-01")), ("d", at("03-04")))
    m = flow_metrics(FlowData.of(WINDOW, STAGES, (closed,)))
    assert (m.velocity, m.flow_time.count, m.flow_time.median, m.efficiency) == (1, 0, None, None)


def test_windows_take_any_time_zone_and_refuse_naive_times() -> None:
    zoned = Window(datetime(2025, 3, 3, 1, tzinfo=CET), datetime(2025, 3, 9, 19, tzinfo=EST))
    assert zoned == WINDOW  # 01:00 +01:00 is 00:00Z; 19:00 -05:00 is 00:00Z the next day
    with pytest.raises(InvalidArgument, match="timezone"):
        Window(datetime(2025, 3, 3), datetime(2025, 3, 10, tzinfo=UTC))
    with pytest.raises(InvalidArgument, match="before"):
        Window(at("03-10"), at("03-03"))
    # the default window: the 90 days up to now.
    assert Window.of(None, None, at("03-10")) == Window(at("03-10") - timedelta(90), at("03-10"))


def test_buckets_are_utc_days_and_monday_weeks_clipped_to_the_window() -> None:
    odd = Window(at("03-03 12:00"), at("03-05 06:00"))
    assert buckets(odd, Interval.DAY) == [
        (at("03-03 12:00"), at("03-04")),
        (at("03-04"), at("03-05")),
        (at("03-05"), at("03-05 06:00")),
    ]
    # 2025-03-05 is a Wednesday: weeks start on Mondays 03-10 and 03-17.
    assert buckets(Window(at("03-05"), at("03-20")), Interval.WEEK) == [
        (at("03-05"), at("03-10")),
        (at("03-10"), at("03-17")),
        (at("03-17"), at("03-20")),
    ]


def test_durations_count_median_p85_mean() -> None:
    # [1, 2]: median at rank 0.5 -> 1.5; p85 at rank 0.85 -> 1.85; mean 3 / 2 = 1.5.
    d = durations([2.0, 1.0])
    assert (d.count, d.median, d.mean) == (2, 1.5, 1.5)
    assert d.p85 == pytest.approx(1.85)
