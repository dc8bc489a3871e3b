"""Outcomes, Kersten's Flow Load and weekly velocity (graph/metrics/flow.py), worked out by hand.

The stream: b Backlog (new) -> a Dev (active) -> w Review (waiting) -> d Done (done),
and x Won't Do (done, declared discarded). The window is two weeks, [Mon 2025-03-03,
Mon 2025-03-17) UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.metrics.flow import (
    FlowData,
    FlowItem,
    FlowStage,
    StageCount,
    Visit,
    Window,
    aging_wip,
    discarded_by_tool,
    flow_metrics,
    stage_metrics,
)
from graph.model import FlowType, Outcome, StageState, WorkItemKind

STAGES = (
    FlowStage("b", "Backlog", 1, StageState.NEW, "vs"),
    FlowStage("a", "Dev", 2, StageState.ACTIVE, "vs"),
    FlowStage("w", "Review", 3, StageState.WAITING, "vs"),
    FlowStage("d", "Done", 4, StageState.DONE, "vs"),
    FlowStage("x", "Won't Do", 5, StageState.DONE, "vs", Outcome.DISCARDED),
)
WINDOW = Window(datetime(2025, 3, 3, tzinfo=UTC), datetime(2025, 3, 17, tzinfo=UTC))


def at(day: int) -> datetime:
    """Midnight UTC of a day of March 2025."""
    return datetime(2025, 3, day, tzinfo=UTC)


def item(id: str, *moves: tuple[str, int], discarded: bool = False) -> FlowItem:
    """An item from its moves (stage, day of March), each visit closed by the next."""
    visits = [
        Visit(stage, at(day), at(moves[n + 1][1]) if n + 1 < len(moves) else None)
        for n, (stage, day) in enumerate(moves)
    ]
    return FlowItem(id, WorkItemKind.STORY, FlowType.FEATURE, tuple(visits), discarded=discarded)


# A done 03-04, reopened 03-11, done again 03-12: week 1 saw it done, so did week 2;
#   the window counts it once (done 03-12); flow time 03-12 - 03-01 - 7 d sat done = 4 d.
A = item("A", ("a", 1), ("d", 4), ("a", 11), ("d", 12))
# B dropped from Dev into Won't Do (a stage declared discarded): started, from a.
B = item("B", ("b", 1), ("a", 3), ("x", 5))
# C dropped from the backlog: never started, from b.
C = item("C", ("b", 1), ("x", 6))
# D reached Done but its tool resolved it Duplicate: discarded, started, from a.
D = item("D", ("b", 1), ("a", 4), ("d", 6), discarded=True)
# E delivered without ever being started: in velocity, not in flow time.
E = item("E", ("b", 2), ("d", 7))
# G started, then moved back to the backlog on 03-08: out of the load from then on.
G = item("G", ("a", 2), ("b", 8))
# H started 03-10, in Review at the end: the only item of the load at 03-17.
H = item("H", ("a", 10), ("w", 12))

DATA = FlowData.of(WINDOW, STAGES, (A, B, C, D, E, G, H))


def test_discarded_items_leave_velocity_flow_time_and_distribution() -> None:
    m = flow_metrics(DATA)
    # delivered in the window: A (03-12) and E (03-07); B, C, D were dropped.
    assert m.velocity == 2
    assert (m.flow_time.count, m.flow_time.median) == (1, 4.0)
    assert m.done_unstarted == 1  # E
    assert (m.distribution_done[0].flow_type, m.distribution_done[0].count) == (FlowType.FEATURE, 2)
    # A's 4 d of flow time are all in a (the week it sat done is not flow time).
    assert m.efficiency == pytest.approx(1.0)


def test_discarded_items_are_reported_apart_by_the_stage_they_were_dropped_from() -> None:
    dropped = flow_metrics(DATA).discarded
    assert dropped.count == 3
    assert dropped.share == pytest.approx(3 / 5)  # of the 5 that finished
    assert dropped.started == 2  # B and D
    assert dropped.by_stage == (StageCount("b", 1), StageCount("a", 2))


def test_flow_load_counts_items_in_active_or_waiting_stages_only() -> None:
    m = flow_metrics(DATA)
    # in a or w, intervals (entered, left]: A (03-01, 03-04] and (03-11, 03-12];
    # B (03-03, 03-05]; D (03-04, 03-06]; G (03-02, 03-08]; H (03-10, ...).
    assert [p.count for p in m.load_daily] == [3, 3, 2, 1, 1, 0, 0, 1, 2, 1, 1, 1, 1, 1]
    assert m.load == 1  # H; G is back in the backlog
    assert m.returned_to_new == 1  # G: the reading "started and not done" would give 2
    assert [i.id for i in aging_wip(DATA).items] == ["H"]
    assert aging_wip(DATA).items[0].age == 7.0


def test_weekly_velocity_is_each_week_measured_alone() -> None:
    weeks = flow_metrics(DATA).velocity_weekly
    # week 1 [03-03, 03-10): A (done 03-04, still done at 03-10) and E; week 2: A again.
    assert [(p.start, p.end, p.count) for p in weeks] == [
        (at(3), at(10), 2),
        (at(10), at(17), 1),
    ]
    alone = [flow_metrics(FlowData.of(Window(p.start, p.end), STAGES, DATA.items)) for p in weeks]
    assert [m.velocity for m in alone] == [p.count for p in weeks]


def test_a_tool_resolution_applies_to_the_item_s_last_closing_only() -> None:
    # K delivered 03-04, reopened 03-11 and closed as a duplicate 03-13: week 1 counts it
    # delivered, week 2 and the window see it dropped.
    k = item("K", ("a", 1), ("d", 4), ("a", 11), ("d", 13), discarded=True)
    m = flow_metrics(FlowData.of(WINDOW, STAGES, (k,)))
    assert [p.count for p in m.velocity_weekly] == [1, 0]
    assert (m.velocity, m.discarded.count) == (0, 1)


def test_stage_shares_count_delivered_flow_time_only() -> None:
    shares = {s.stage.id: s.flow_time_share for s in stage_metrics(DATA)}
    assert shares == {"b": 0.0, "a": 1.0, "w": 0.0, "d": 0.0, "x": 0.0}


@pytest.mark.parametrize(
    ("outcome", "resolution", "dropped"),
    [
        (None, "Won't Do", True),
        (None, "DUPLICATE", True),
        (None, "Done", False),
        (None, None, False),
        ("delivered", "Won't Do", False),  # the item's own outcome wins over the text
        ("discarded", None, True),
    ],
)
def test_tool_resolutions_read_as_discarded(
    outcome: str | None, resolution: str | None, dropped: bool
) -> None:
    assert discarded_by_tool(outcome, resolution) is dropped
