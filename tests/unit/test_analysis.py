"""The analyses of graph/analysis/network.py and the ranking of
graph/analysis/constraints.py on tiny literal graphs, with every expected value worked out
by hand in the comments."""

from __future__ import annotations

import doctest
from collections import Counter
from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest

from graph.analysis import forecast as forecast_module
from graph.analysis import network
from graph.analysis.constraints import rank_stations, stations
from graph.analysis.load import moves, visiting
from graph.analysis.network import (
    CriticalPath,
    SkillNeed,
    blocking_graph,
    critical_path,
    elementary_cycles,
    handoffs,
    remaining_days,
    skill_gaps,
    stage_teams,
    team_graph,
    team_network,
    traceability_gaps,
    working_teams,
)
from graph.metrics.flow import Durations, FlowData, FlowItem, FlowStage, StageMetrics, Visit, Window
from graph.model import FlowType, StageState, WorkItemKind

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


# ---------------------------------------------------------------------------------------
# Team network


def test_a_stage_is_worked_by_the_team_owning_most_of_its_items() -> None:
    # s1: A owns 2 of its items -> A. s2: A and B own one each -> the smaller id, A.
    # s3: only B.
    visiting = {"s1": {"A": 2}, "s2": {"B": 1, "A": 1}, "s3": {"B": 1}}
    assert stage_teams(visiting) == {"s1": "A", "s2": "A", "s3": "B"}


def test_a_hand_off_is_a_move_between_stages_of_different_teams() -> None:
    # With s1, s2 -> A and s3 -> B: s1 -> s2 (A to A) and s2 -> s2 are no hand-offs;
    # s2 -> s3 twice (A to B): B waits on A twice; s4 is worked by nobody.
    teams = {"s1": "A", "s2": "A", "s3": "B"}
    moves = {("s1", "s2"): 3, ("s2", "s2"): 1, ("s2", "s3"): 2, ("s3", "s4"): 5}
    assert handoffs(moves, teams) == Counter({("B", "A"): 2})


def test_team_network_betweenness_and_most_waited_on_team() -> None:
    g = team_graph(
        blocked=[("A", "P"), ("B", "P"), ("C", "P"), ("A", "B"), ("A", "A")],
        handoff_counts={("B", "A"): 2},
        depends_on=[("A", "P"), ("P", "S")],
    )
    # Edges: A->P (blocked 1 + depends), B->P, C->P, A->B, B->A (2 hand-offs), P->S; the
    # A->A self-block is not a cross-team wait.
    assert sorted(g.edges) == [
        ("A", "B"),
        ("A", "P"),
        ("B", "A"),
        ("B", "P"),
        ("C", "P"),
        ("P", "S"),
    ]
    network = team_network(g)
    by_team = {t.team: t for t in network.teams}
    # P is waited on by A, B and C; waits = (1 blocked + 1 depends) + 1 + 1 = 4.
    assert network.most_waited_on is not None and network.most_waited_on.team == "P"
    assert (by_team["P"].waited_on_by, by_team["P"].waits) == (3, 4)
    assert (by_team["A"].waited_on_by, by_team["A"].waits) == (1, 2)
    # Shortest paths through another node: A->P->S, B->P->S, C->P->S (A->B->P is longer
    # than A->P). Only P lies between: 3 pairs / ((5-1)(5-2) = 12) = 0.25.
    assert by_team["P"].betweenness == pytest.approx(0.25)
    assert all(by_team[t].betweenness == 0 for t in "ABCS")
    assert network.cycles == (("A", "B"),)
    edge = next(e for e in network.edges if (e.team, e.on) == ("A", "P"))
    assert (edge.blocked, edge.handoffs, edge.depends, edge.weight) == (1, 0, True, 2)


def test_an_empty_network_has_no_most_waited_on_team() -> None:
    network = team_network(nx.DiGraph())
    assert network.teams == () and network.most_waited_on is None


def test_cycles_start_at_their_smallest_node_shortest_first() -> None:
    g = nx.DiGraph([("b", "a"), ("a", "b"), ("c", "d"), ("d", "e"), ("e", "c")])
    assert elementary_cycles(g) == (("a", "b"), ("c", "d", "e"))
    assert elementary_cycles(g, limit=1) == (("a", "b"),)


# ---------------------------------------------------------------------------------------
# Critical path


def test_remaining_days_is_median_minus_age_floored() -> None:
    assert remaining_days(10.0, 12.0) == 2.0  # 12 - 10
    assert remaining_days(20.0, 12.0) == 1.0  # 12 - 20 < 0: the floor, 1 day
    assert remaining_days(20.0, 12.0, floor=0.5) == 0.5
    assert remaining_days(None, 12.0) == 12.0  # not started: the whole median


def test_the_critical_path_is_the_open_chain_with_most_remaining_days() -> None:
    remaining = {"i1": 3.0, "i2": 2.0, "i3": 1.0, "i4": 5.0, "i5": 4.0, "x": 2.0, "y": 2.5}
    pairs = [
        ("i2", "i1"),  # i2 BLOCKED_BY i1
        ("i3", "i2"),
        ("i4", "i1"),
        ("i5", "i9"),  # i9 is done (no remaining): not a wait
        ("x", "y"),
        ("y", "x"),  # x and y block each other
    ]
    g = blocking_graph(pairs, remaining)
    assert "i5" not in g and "i9" not in g
    # Chains: i1->i2->i3 = 3+2+1 = 6; i1->i4 = 3+5 = 8; the cycle {x, y} = 2+2.5 = 4.5.
    assert critical_path(g) == CriticalPath(("i1", "i4"), 8.0, (("x", "y"),))


def test_a_blocking_cycle_counts_once_with_all_its_items() -> None:
    # a blocks the cycle {b, c} which blocks d: 1 + (2 + 3) + 4 = 10.
    remaining = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}
    g = blocking_graph([("b", "a"), ("c", "b"), ("b", "c"), ("d", "c")], remaining)
    assert critical_path(g) == CriticalPath(("a", "b", "c", "d"), 10.0, (("b", "c"),))


def test_equal_chains_resolve_to_the_one_whose_items_sort_first() -> None:
    g = blocking_graph([("q", "p"), ("b", "a")], {"a": 1.0, "b": 1.0, "p": 1.0, "q": 1.0})
    assert critical_path(g).items == ("a", "b")
    assert critical_path(nx.DiGraph()) == CriticalPath((), 0.0, ())


# ---------------------------------------------------------------------------------------
# Traceability gaps


def test_traceability_gaps_sort_what_the_delivery_read_found() -> None:
    # The database answers which shipped commits implement nothing (c2, listed twice: a
    # commit two deployments shipped) and, per done feature, whether a shipped commit
    # implements it or a descendant and whether feedback is about it: f1 deployed with
    # feedback, f2 deployed without, f3 never deployed (and no feedback), f0 deployed
    # without.
    features = [
        ("f3", False, False),
        ("f1", True, True),
        ("f2", True, False),
        ("f0", True, False),
    ]
    gaps = traceability_gaps(["c2", "c1", "c2"], features)
    assert gaps.commits_without_work_item == ("c1", "c2")
    assert gaps.done_features_not_deployed == ("f3",)
    # A feature never deployed is a gap of its own, not one of feedback too.
    assert gaps.deployed_features_without_feedback == ("f0", "f2")
    assert traceability_gaps([], []) == network.TraceabilityGaps((), (), ())


# ---------------------------------------------------------------------------------------
# Skill gaps


def test_skill_gaps_put_the_constraint_first_then_the_largest_shortfall() -> None:
    needs = [
        SkillNeed("dev", "Python", 4),
        SkillNeed("dev", "SQL", 3),
        SkillNeed("test", "Automation", 4),
        SkillNeed("ops", "Go", 2),
    ]
    teams_at = {"dev": ["A", "B"], "test": ["A"]}
    skills = {"A": {"Python": 3, "SQL": 3}, "B": {"Python": 2, "Automation": 5}}
    gaps = skill_gaps(needs, teams_at, skills, constraint="test")
    # dev/Python: best of A (3) and B (2) = 3 < 4, short 1. dev/SQL: A has 3: covered.
    # test/Automation: only A works test, and A has none: short 4 (B's 5 does not count).
    # ops/Go: no team works ops: best 0, short 2. Constraint first, then by shortfall.
    assert [(g.stage, g.skill, g.needed, g.best, g.shortfall) for g in gaps] == [
        ("test", "Automation", 4, 0, 4),
        ("ops", "Go", 2, 0, 2),
        ("dev", "Python", 4, 3, 1),
    ]
    assert gaps[0].at_constraint and gaps[0].teams == ("A",)
    assert gaps[2].teams == ("A", "B")


def test_teams_working_a_stage_own_at_least_a_tenth_of_its_items() -> None:
    # s1: A 18 of 20 (90%), B and C 1 each (5%); s2: A and B half each.
    visits = {"s1": {"A": 18, "B": 1, "C": 1}, "s2": {"A": 1, "B": 1}}
    assert working_teams(visits) == {"s1": ["A"], "s2": ["A", "B"]}


# ---------------------------------------------------------------------------------------
# Constraint ranking


def stage(id: str, order: int, state: StageState) -> FlowStage:
    return FlowStage(id, id.title(), order, state, "vs")


def metrics(
    s: FlowStage, wip: int, arrivals: int, departures: int, median: float | None, share: float
) -> StageMetrics:
    return StageMetrics(s, wip, arrivals, departures, Durations(1, median, median, median), share)


BACKLOG = stage("backlog", 1, StageState.NEW)
READY = stage("ready", 2, StageState.WAITING)
DEV = stage("dev", 3, StageState.ACTIVE)
REVIEW = stage("review", 4, StageState.WAITING)
TEST = stage("test", 5, StageState.ACTIVE)
RELEASE = stage("release", 6, StageState.WAITING)
DONE = stage("done", 7, StageState.DONE)


def test_stations_join_each_active_stage_with_the_queue_in_front() -> None:
    ms = [
        metrics(s, 0, 0, 0, None, 0.0) for s in (DONE, TEST, RELEASE, REVIEW, DEV, READY, BACKLOG)
    ]
    got = [(st.stage.id, [q.stage.id for q in queue]) for st, queue in stations(ms)]
    # Release waits before done with no active stage after it: a station of its own.
    assert got == [("dev", ["ready"]), ("test", ["review"]), ("release", [])]


def test_the_constraint_scores_highest_on_share_growth_wip_and_time() -> None:
    ranking = rank_stations(
        [
            metrics(BACKLOG, 30, 40, 20, 3.0, 0.0),  # not ranked: new
            metrics(READY, 10, 20, 12, 5.0, 0.6),
            metrics(DEV, 2, 12, 12, 1.0, 0.1),
            metrics(REVIEW, 1, 12, 12, 0.5, 0.1),
            metrics(TEST, 1, 12, 11, 1.5, 0.2),
            metrics(DONE, 200, 11, 0, None, 0.0),  # not ranked: done
        ]
    )
    dev, test = ranking
    # dev + ready: share 0.7, growth (20-12)+(12-12) = 8, wip 12, time 5.0+1.0 = 6.0: the
    # largest of each, so every normalised figure is 1 and the score 1.0.
    assert (dev.stage.id, dev.flow_time_share, dev.queue_growth, dev.wip) == ("dev", 0.7, 8, 12)
    assert dev.time_in_stage == 6.0 and dev.score == 1.0
    # test + review: share 0.3/0.7, growth 1/8, wip 2/12, time 2.0/6.0:
    # 0.4*0.428571 + 0.2*0.125 + 0.2*0.166667 + 0.2*0.333333 = 0.296429.
    assert test.score == pytest.approx(0.296429, abs=1e-6)
    assert dev.reason == (
        "Dev (queue: Ready): 70% of flow time, queue grew by 8, 12 items in it now, "
        "median 6.0 days in stage"
    )
    assert test.reason.startswith("Test (queue: Review): 30% of flow time, queue grew by 1")


def test_a_shrinking_queue_scores_nothing_for_growth() -> None:
    # Both stations have equal share, wip and time; ready shrinks (-5), review grows (+2):
    # test scores 0.4 + 0.2 + 0.2 + 0.2 = 1.0, dev 0.8.
    ranking = rank_stations(
        [
            metrics(READY, 1, 5, 10, 1.0, 0.25),
            metrics(DEV, 1, 10, 10, 1.0, 0.25),
            metrics(REVIEW, 1, 12, 10, 1.0, 0.25),
            metrics(TEST, 1, 10, 10, 1.0, 0.25),
        ]
    )
    assert [(r.stage.id, r.score) for r in ranking] == [("test", 1.0), ("dev", 0.8)]
    assert "queue shrank by 5" in ranking[1].reason
    assert rank_stations([]) == ()


def test_the_work_of_a_stream_is_read_from_its_flow_data() -> None:
    # s1 -> s2 -> s3; i1 (A) s1, s2; i2 (A) s1; i3 (B) s2, s1, s2, s3; i4 (no team) s3.
    window = Window(at(0), at(100))
    stages = tuple(
        FlowStage(id, id, n, state, "vs")
        for n, (id, state) in enumerate(
            [("s1", StageState.NEW), ("s2", StageState.ACTIVE), ("s3", StageState.DONE)]
        )
    )

    def item(id: str, team: str | None, *path: str) -> FlowItem:
        visits = tuple(Visit(stage, at(n)) for n, stage in enumerate(path))
        return FlowItem(id, WorkItemKind.STORY, FlowType.FEATURE, visits, team)

    data = FlowData.of(
        window,
        stages,
        [
            item("i1", "A", "s1", "s2"),
            item("i2", "A", "s1"),
            item("i3", "B", "s2", "s1", "s2", "s3"),
            item("i4", None, "s3"),
        ],
    )
    # A revisit counts once per stage; i4 has no owner.
    assert visiting(data) == {"s1": {"A": 2, "B": 1}, "s2": {"A": 1, "B": 1}, "s3": {"B": 1}}
    assert moves(data) == {("s1", "s2"): 2, ("s2", "s1"): 1, ("s2", "s3"): 1}
    assert visiting(FlowData.of(window, stages, [])) == {}
    assert moves(FlowData.of(window, stages, [])) == {}


@pytest.mark.parametrize("module", [network, forecast_module])
def test_the_examples_in_the_docstrings_hold(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0
