"""DORA math, bands at their edges, and the pure parts of SHIPPED and cause derivation."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from graph.ingest.causes import Candidates, incident_pattern, infer_cause
from graph.ingest.shipped import ChainDeployment, ship
from graph.metrics.dora import (
    PRODUCTION_PATTERN,
    ChangeColumns,
    DeploymentFact,
    DoraLevel,
    IncidentFact,
    ShippedChange,
    change_failure_level,
    change_failure_rate,
    deployment_frequency,
    environment_pattern,
    four_keys,
    frequency_level,
    lead_time,
    lead_time_figures,
    lead_time_level,
    median_deployment_days,
    restore_level,
    time_to_restore,
)
from graph.metrics.flow import Window
from graph.times import EPOCH

E, H, M, L = DoraLevel.ELITE, DoraLevel.HIGH, DoraLevel.MEDIUM, DoraLevel.LOW


def t(day: int, hour: int = 0) -> datetime:
    """March 2025, UTC."""
    return datetime(2025, 3, day, hour, tzinfo=UTC)


# ---------------------------------------------------------------------------------------
# Bands at their edges


@pytest.mark.parametrize(
    ("hours", "level"),
    [
        (0.0, E),
        (23.99, E),
        (24.0, H),
        (167.99, H),
        (168.0, M),
        (719.99, M),
        (720.0, L),
        (None, None),
    ],
)
def test_lead_time_bands(hours: float | None, level: DoraLevel | None) -> None:
    assert lead_time_level(hours) == level


@pytest.mark.parametrize(
    ("hours", "level"),
    [(0.99, E), (1.0, H), (23.99, H), (24.0, M), (167.99, M), (168.0, L), (None, None)],
)
def test_restore_bands(hours: float | None, level: DoraLevel | None) -> None:
    assert restore_level(hours) == level


@pytest.mark.parametrize(
    ("rate", "level"),
    [(0.0, E), (0.05, E), (0.0501, H), (0.10, H), (0.1001, M), (0.15, M), (0.1501, L), (1.0, L)],
)
def test_change_failure_bands(rate: float, level: DoraLevel) -> None:
    assert change_failure_level(rate) == level


@pytest.mark.parametrize(
    ("per_week", "per_month", "level"),
    [(3.0, 12.0, E), (2.5, 10.0, H), (1.0, 4.0, H), (0.5, 2.0, M), (0.0, 1.0, M), (0.0, 0.5, L)],
)
def test_frequency_bands(per_week: float, per_month: float, level: DoraLevel) -> None:
    assert frequency_level(per_week, per_month) == level


# ---------------------------------------------------------------------------------------
# Deployment frequency


def ok(
    id: str, finished: datetime, repository: str | None = "r", incidents: int = 0
) -> DeploymentFact:
    return DeploymentFact(id, "success", finished, repository, incidents)


def test_deployment_days_per_week_count_dates_not_deployments() -> None:
    # Window Mar 1 - Mar 15 (14 days): two weeks counted back from the end,
    # [Mar 8, Mar 15) and [Mar 1, Mar 8). Week 2: Mar 9 twice and Mar 10 -> 2 days;
    # week 1: Mar 2 -> 1 day. Median of [2, 1] = 1.5.
    window = Window(t(1), t(15))
    finished = [t(9, 9), t(9, 15), t(10, 9), t(2, 9)]
    assert median_deployment_days(finished, window, 7) == 1.5
    # No whole 30-day period fits: the 14-day window is the one period: Mar 2, 9, 10.
    assert median_deployment_days(finished, window, 30) == 3.0


def test_deployment_frequency_per_day_and_level() -> None:
    window = Window(t(1), t(15))
    deployments = [
        ok("a", t(2, 9)),
        ok("b", t(9, 9)),
        ok("c", t(9, 15)),
        ok("d", t(10, 9)),
        DeploymentFact("failed", "failure", t(11, 9), "r", 0),  # not counted
        ok("late", t(15, 0)),  # at `to`: outside [from, to)
    ]
    # 4 successful deployments over 14 days = 0.2857/day; days/week median 1.5 -> high.
    frequency = deployment_frequency(deployments, window)
    assert frequency.deployments == 4
    assert frequency.per_day == pytest.approx(4 / 14)
    assert frequency.median_days_per_week == 1.5
    assert frequency.level is H


# ---------------------------------------------------------------------------------------
# Lead time


def test_lead_time_counts_each_change_once_and_excludes_the_first_deployment() -> None:
    window = Window(t(1), t(31))
    deployments = [
        ok("first", t(2, 12)),  # the repository's first tracked deployment
        ok("d2", t(5, 12)),
        ok("d3", t(8, 12)),
        ok("other-first", t(20, 12), repository="r2"),
    ]
    changes = [
        # Shipped by the first deployment: excluded, whatever its age.
        ShippedChange("pr:old", "first", t(1, 0) - timedelta(days=300), (t(2, 12),)),
        # First commit Mar 4 12:00, shipped by d2 on Mar 5 12:00: 24 h.
        ShippedChange("pr:1", "d2", t(4, 12), (t(5, 12),)),
        # A commit with no PR, Mar 5 00:00 -> d3 Mar 8 12:00: 84 h.
        ShippedChange("commit:c", "d3", t(5, 0), (t(8, 12),)),
        # Mar 8 06:00 -> d3: 6 h.
        ShippedChange("pr:2", "d3", t(8, 6), (t(8, 12),)),
        # Shipped by d3 but first by d2 (also listed): counted with d2 only, 48 h.
        ShippedChange("pr:3", "d3", t(3, 12), (t(5, 12), t(8, 12))),
        ShippedChange("pr:3", "d2", t(3, 12), (t(5, 12), t(8, 12))),
        # The second repository's first deployment: excluded too.
        ShippedChange("pr:4", "other-first", t(19, 12), (t(20, 12),)),
    ]
    result = lead_time(deployments, changes, window)
    # Hours [6, 24, 48, 84]: median (24 + 48) / 2 = 36; p85 rank 3 * 0.85 = 2.55 ->
    # 48 + 0.55 * (84 - 48) = 67.8. 36 h is between 1 day and 1 week: high.
    assert result.changes == 4
    assert result.excluded == 2
    assert result.median_hours == pytest.approx(36.0)
    assert result.p85_hours == pytest.approx(67.8)
    assert result.level is H
    # The figures alone, on the changes as dora/find_changes answers them (no per-change
    # list, no findings), are the same figures.
    figures = lead_time_figures(deployments, columns(changes), window)
    assert figures == replace(result, per_change=(), findings=None)


def _micros(at: datetime | None) -> int | str:
    return "" if at is None else (at - EPOCH) // timedelta(microseconds=1)


def columns(changes: list[ShippedChange]) -> ChangeColumns:
    """The changes as dora/find_changes answers them without details: a column per
    field, '' for none, only the earliest shipping."""
    return ChangeColumns(
        [c.deployment for c in changes],
        [c.commit or c.key.split(":", 1)[1] for c in changes],
        [c.key.split(":", 1)[1] if c.key.startswith("pr:") else "" for c in changes],
        [int(_micros(c.first_commit_at)) for c in changes],
        [_micros(min(c.shipped_at, default=None)) for c in changes],
        [c.listed for c in changes],
        [_micros(c.opened_at) for c in changes],
        [_micros(c.merged_at) for c in changes],
    )


def test_a_change_first_shipped_before_the_window_is_not_counted() -> None:
    window = Window(t(10), t(20))
    deployments = [ok("first", t(1)), ok("before", t(5)), ok("inside", t(12))]
    change = ShippedChange("pr:1", "inside", t(4), (t(5), t(12)))
    assert lead_time(deployments, [change], window).changes == 0


# ---------------------------------------------------------------------------------------
# Change failure rate and time to restore


def test_change_failure_rate_counts_deployments_with_incidents() -> None:
    window = Window(t(1), t(31))
    deployments = [
        ok("a", t(2), incidents=2),  # one failed deployment, however many incidents
        ok("b", t(3)),
        ok("c", t(4)),
        ok("d", t(5)),
        DeploymentFact("f", "failure", t(6), "r", 1),  # not a successful deployment
        ok("outside", t(31), incidents=1),
    ]
    # 1 of 4 successful deployments: 25 % -> low (> 15 %).
    result = change_failure_rate(deployments, window)
    assert (result.deployments, result.failed, result.rate, result.level) == (4, 1, 0.25, L)


def test_time_to_restore_over_incidents_resolved_in_the_window() -> None:
    window = Window(t(10), t(20))
    incidents = [
        IncidentFact("a", t(11, 0), t(11, 2)),  # 2 h
        IncidentFact("b", t(9, 0), t(10, 6)),  # created before, resolved in: 30 h
        IncidentFact("c", t(12, 0), t(12, 1)),  # 1 h
        IncidentFact("open", t(13), None),  # unresolved
        IncidentFact("later", t(19), t(21)),  # resolved after `to`: unresolved here
    ]
    # Hours [1, 2, 30]: median 2 h -> high (< 1 day).
    result = time_to_restore(incidents, window)
    assert (result.incidents, result.unresolved, result.median_hours, result.level) == (
        3,
        2,
        2.0,
        H,
    )


def test_an_empty_window_gives_nulls_not_zeros() -> None:
    window = Window(t(1), t(31))
    result = four_keys(window, "production", [ok("old", t(1) - timedelta(days=5))], [], [])
    assert result.deployment_frequency.deployments == 0
    assert result.deployment_frequency.per_day is None
    assert result.deployment_frequency.level is None
    assert result.lead_time.median_hours is None and result.lead_time.level is None
    assert result.change_failure_rate.rate is None and result.change_failure_rate.level is None
    assert result.time_to_restore.median_hours is None
    assert result.time_to_restore.level is None


# ---------------------------------------------------------------------------------------
# Pure parts of the derivations


def test_ship_walks_each_head_down_to_what_earlier_deployments_shipped() -> None:
    # c0 <- c1 <- c2 <- m, and a branch c0 <- b <- m (m merges c2 and b).
    parents = {"c0": [], "c1": ["c0"], "c2": ["c1"], "b": ["c0"], "m": ["c2", "b"]}
    chain = [
        ChainDeployment("d1", "success", t(1), ("c1",)),
        ChainDeployment("d2", "failure", t(2), ("m",)),
        ChainDeployment("d3", "success", t(3), ("m",)),
        ChainDeployment("d4", "success", t(4), ("c2",)),  # a rollback to c2: nothing new
    ]
    assert ship(chain, parents) == {
        "d1": {"c0", "c1"},
        "d2": set(),
        "d3": {"c2", "b", "m"},
        "d4": set(),
    }


def test_ship_stops_at_commits_it_was_not_given() -> None:
    # Only c2 and c3 are unshipped: the walk from c3 stops at c1 without reading below.
    assert ship([ChainDeployment("d", "success", t(1), ("c3",))], {"c3": ["c2"], "c2": ["c1"]}) == {
        "d": {"c2", "c3"}
    }


def test_an_incident_matches_production_by_the_pattern_and_other_names_in_any_case() -> None:
    assert incident_pattern(None) == PRODUCTION_PATTERN == "(?i)prod.*"
    assert incident_pattern("Production") == PRODUCTION_PATTERN
    assert incident_pattern("PRODUCTION") == PRODUCTION_PATTERN
    assert incident_pattern("Staging") == environment_pattern("staging")
    assert re.fullmatch(incident_pattern("Staging"), "STAGING")
    assert re.fullmatch(incident_pattern("prod-eu"), "Prod-EU")
    assert not re.fullmatch(incident_pattern("prod-eu"), "prod")


def test_infer_cause_takes_the_latest_deployment_finished_strictly_before() -> None:
    production, staging = PRODUCTION_PATTERN, incident_pattern("staging")
    candidates = {
        ("shop", production): Candidates(((t(1), "d1"), (t(5), "d2"), (t(5), "d3"))),
        ("shop", staging): Candidates(((t(4), "s1"),)),
        ("ads", production): Candidates(((t(3), "a1"),)),
    }
    assert infer_cause(t(5), None, ["shop"], candidates) == "d1"  # at t(5): strictly before
    assert infer_cause(t(5, 1), None, ["shop"], candidates) == "d3"  # a tie: greatest id
    assert infer_cause(t(4, 1), "staging", ["shop"], candidates) == "s1"
    assert infer_cause(t(4, 1), "STAGING", ["shop"], candidates) == "s1"
    assert infer_cause(t(5, 1), "Production", ["shop"], candidates) == "d3"
    assert infer_cause(t(4), None, ["shop", "ads"], candidates) == "a1"  # latest of both
    assert infer_cause(t(1), None, ["shop"], candidates) is None
