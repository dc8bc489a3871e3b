"""Lead time per change (graph/metrics/dora.py): the breakdown and the rules where timestamps
disagree, with DevLake's as the reference; worked out by hand (March 2025, UTC)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from graph.metrics.dora import (
    PRODUCTION_PATTERN,
    DeploymentFact,
    Finding,
    ShippedChange,
    environment_pattern,
    lead_time,
    measure,
)
from graph.metrics.flow import Window


def t(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


def pr(**kw: object) -> ShippedChange:
    base: dict[str, object] = {
        "key": "pr:1",
        "deployment": "d",
        "first_commit_at": t(1, 8),
        "shipped_at": (),
        "commit": "m",
        "pull_request": "1",
        "opened_at": t(1, 10),
        "merged_at": t(2, 12),
        "reviews": (t(2, 10),),
    }
    base.update(kw)
    return ShippedChange(**base)  # type: ignore[arg-type]


def test_the_breakdown_adds_up_to_the_lead_time() -> None:
    # 08:00 first commit, 10:00 opened, next day 10:00 reviewed, 12:00 merged, 18:30 out.
    c = measure(pr(), t(2, 18, 30), excluded=False)
    assert (c.coding_hours, c.pickup_hours, c.review_hours, c.deploy_hours) == (2, 24, 2, 6.5)
    assert c.hours == 34.5 and c.findings == ()


def test_a_first_commit_after_the_opening_starts_at_the_opening_as_devlake() -> None:
    # Rebased: its first commit is authored 03-02 09:00, after the PR opened 03-01 10:00.
    # DevLake's cycle starts at the opening, so does this one: 32.5 h, not 9.5 h.
    c = measure(pr(first_commit_at=t(2, 9)), t(2, 18, 30), excluded=False)
    assert (c.start, c.hours, c.coding_hours) == (t(1, 10), 32.5, 0.0)
    assert c.findings == (Finding.COMMIT_AFTER_OPENED,)


def test_a_deployment_before_the_merge_ends_at_the_merge() -> None:
    # Shipped 03-02 11:00, merged 12:00: never shorter than first commit -> merge (28 h).
    c = measure(pr(), t(2, 11), excluded=False)
    assert (c.end, c.hours, c.deploy_hours) == (t(2, 12), 28.0, 0.0)
    assert c.findings == (Finding.DEPLOYED_BEFORE_MERGE,)


def test_reviews_after_the_merge_are_not_its_review_and_early_ones_count_from_opening() -> None:
    late = measure(pr(reviews=(t(3, 9),)), t(2, 18), excluded=False)
    assert (late.first_review_at, late.pickup_hours, late.review_hours) == (None, None, 26.0)
    early = measure(pr(reviews=(t(1, 9),)), t(2, 18), excluded=False)
    assert (early.first_review_at, early.pickup_hours) == (t(1, 10), 0.0)
    assert early.findings == (Finding.REVIEW_BEFORE_OPENED,)


def test_a_commit_outside_pull_requests_has_no_steps() -> None:
    c = measure(ShippedChange("commit:c", "d", t(5, 8), (), commit="c"), t(6, 12), excluded=False)
    assert (c.hours, c.coding_hours, c.deploy_hours) == (28.0, None, None)


def test_a_chain_s_first_deployment_counts_what_it_listed_and_excludes_what_it_walked() -> None:
    window = Window(t(1), t(31))
    first = DeploymentFact("first", "SUCCESS", t(2, 12), "r", 0, ("m",))  # any case
    changes = [
        pr(deployment="first", shipped_at=(t(2, 12),), listed=True),
        ShippedChange("commit:old", "first", t(1), (t(2, 12),), commit="old"),
    ]
    result = lead_time([first], changes, window)
    assert (result.changes, result.excluded) == (1, 1)
    assert [c.key for c in result.per_change if c.excluded] == ["commit:old"]


def test_a_listed_commit_counts_with_the_first_deployment_that_listed_or_shipped_it() -> None:
    window = Window(t(1), t(31))
    d1 = DeploymentFact("d1", "success", t(3), "r", 0, ())
    d2 = DeploymentFact("d2", "success", t(5), "r", 0, ("c",))
    d3 = DeploymentFact("d3", "success", t(7), "r", 0, ())
    # SHIPPED by d3 (the graph), but d2's list already named it: d2's change, 4 d.
    shipped = ShippedChange("commit:c", "d3", t(1), (t(7),), commit="c")
    listed = ShippedChange("commit:c", "d2", t(1), (t(7),), commit="c", listed=True)
    result = lead_time([d1, d2, d3], [shipped, listed], window)
    assert [(c.deployment, c.hours) for c in result.per_change] == [("d2", 96.0)]


@pytest.mark.parametrize(
    ("environment", "name", "matches"),
    [
        ("production", "production", True),
        ("production", "PRODUCTION", True),
        ("Production", "prod-eu", True),
        ("production", "preprod", False),
        ("production", "staging", False),
        ("staging", "Staging", True),
        ("staging", "staging-2", False),
        ("eu.west", "euXwest", False),  # a name is not a pattern
    ],
)
def test_environments_match_in_any_case_production_by_devlake_s_pattern(
    environment: str, name: str, matches: bool
) -> None:
    # Java's and Python's regular expressions agree on these: (?i), ., *, escapes.
    assert bool(re.fullmatch(environment_pattern(environment), name)) is matches
    assert environment_pattern("production", "(?i)live") == "(?i)live"
    assert PRODUCTION_PATTERN == "(?i)prod.*"
