"""DORA's four keys for a product or a set of repositories, in one environment.

Definitions (DESIGN.md §4, docs/metrics.md, DORA), over the window `[start, end)` in UTC; a
deployment counts in the window when its `finishedAt` does:

- **Deployment frequency**: successful deployments ÷ days in the window; its level from
  the median number of deployment days (UTC dates with a successful deployment) per
  week and per month.
- **Lead time for changes**: per change — a pull request (via its merge commit), or a
  shipped commit that belongs to no pull request — from its first commit's `authoredAt`
  to `finishedAt` of the first successful deployment that SHIPPED it (the merge commit
  for a pull request); median and p85 over the changes whose first deployment finished
  in the window. Changes first shipped by a repository's first tracked (successful)
  deployment in the environment are excluded: that deployment ships the whole history
  before tracking began, whose age says nothing about the delivery process.
- **Change failure rate**: successful deployments with ≥ 1 incident CAUSED_BY them
  (explicit or inferred, see graph/ingest/causes.py) ÷ successful deployments.
- **Time to restore**: median `resolvedAt - createdAt` of incidents resolved in the
  window (for a product: those affecting it in the environment; for repositories: those
  attributed to their deployments).

Levels follow the DORA 2023 bands, `BANDS` below. Every value is None where there is no
data (no deployment, change or resolved incident in the window); counts stay counts.

Everything here is pure, over facts already loaded: graph/metrics/dora_queries.py reads
them from the graph, graph/metrics/dora_reference.py the naive way the tests compare with.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from graph.errors import InvalidArgument
from graph.metrics.flow import Window
from graph.metrics.stats import P85, percentile
from graph.model import DeploymentStatus
from graph.settings import DEFAULT_PRODUCTION_PATTERN, production_regex
from graph.times import EPOCH, instant

PRODUCTION = "production"
#: Which environment names are production when `production` is asked for: DevLake's
#: default (`(?i)prod.*`: prod, Production, PROD-eu...), matched against the whole name.
#: The organisation's own is the setting `VSG_PRODUCTION_PATTERN` (graph/settings.py).
PRODUCTION_PATTERN = DEFAULT_PRODUCTION_PATTERN
HOUR = 3600.0
#: A time as the lead time's rules compare it: an aware datetime, or microseconds since
#: the epoch (the figures alone, computed on `ChangeColumns` as they are read).
Instant = TypeVar("Instant", datetime, int)
WEEK_DAYS = 7
MONTH_DAYS = 30


class DoraLevel(StrEnum):
    """A DORA performance level."""

    ELITE = "elite"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


#: The DORA 2023 bands as vsgraph applies them. Source: Google Cloud / DORA, "Accelerate
#: State of DevOps Report 2023", software delivery performance levels (elite: on demand,
#: < 1 day lead time, 5 % change failure rate, < 1 hour to recover; high: daily to
#: weekly, 1 day to 1 week, 10 %, < 1 day; medium: weekly to monthly, 1 week to 1 month,
#: 15 %, 1 day to 1 week; low: as reported, slower). The report's clusters overlap at
#: their edges, so, as DevLake and Four Keys do, each band here is a half-open
#: threshold: a value on an edge gets the lower level for times and the higher level for
#: rates. "On demand" is read as Four Keys' "daily" (median ≥ 3 deployment days a week).
BANDS: dict[str, tuple[tuple[DoraLevel, str], ...]] = {
    "deploymentFrequency": (
        (DoraLevel.ELITE, "median deployment days per week >= 3"),
        (DoraLevel.HIGH, "median deployment days per week >= 1"),
        (DoraLevel.MEDIUM, "median deployment days per month >= 1"),
        (DoraLevel.LOW, "fewer"),
    ),
    "leadTime": (
        (DoraLevel.ELITE, "median < 24 h"),
        (DoraLevel.HIGH, "median < 168 h (1 week)"),
        (DoraLevel.MEDIUM, "median < 720 h (30 days)"),
        (DoraLevel.LOW, "median >= 720 h"),
    ),
    "changeFailureRate": (
        (DoraLevel.ELITE, "rate <= 5 %"),
        (DoraLevel.HIGH, "rate <= 10 %"),
        (DoraLevel.MEDIUM, "rate <= 15 %"),
        (DoraLevel.LOW, "rate > 15 %"),
    ),
    "timeToRestore": (
        (DoraLevel.ELITE, "median < 1 h"),
        (DoraLevel.HIGH, "median < 24 h"),
        (DoraLevel.MEDIUM, "median < 168 h (1 week)"),
        (DoraLevel.LOW, "median >= 168 h"),
    ),
}

_LEAD_TIME_HOURS = ((24.0, DoraLevel.ELITE), (168.0, DoraLevel.HIGH), (720.0, DoraLevel.MEDIUM))
_RESTORE_HOURS = ((1.0, DoraLevel.ELITE), (24.0, DoraLevel.HIGH), (168.0, DoraLevel.MEDIUM))
_FAILURE_RATE = ((0.05, DoraLevel.ELITE), (0.10, DoraLevel.HIGH), (0.15, DoraLevel.MEDIUM))


def production_pattern_of(pattern: str) -> str:
    """The production pattern as the database matches it: any case (`(?i)` added when
    missing); an expression that does not compile is an InvalidArgument."""
    try:
        return production_regex(pattern)
    except ValueError as e:
        raise InvalidArgument(f"productionPattern: {e}") from None


def environment_pattern(environment: str, production_pattern: str = PRODUCTION_PATTERN) -> str:
    """The regular expression (Cypher `=~`, whole name) an environment argument selects:
    `production` (any case) is the production pattern, matched in any case; any other
    name is itself, in any case."""
    if environment.strip().lower() == PRODUCTION:
        return production_pattern_of(production_pattern)
    return "(?i)" + re.escape(environment.strip())


def _below(value: float | None, bands: Sequence[tuple[float, DoraLevel]]) -> DoraLevel | None:
    if value is None:
        return None
    return next((level for edge, level in bands if value < edge), DoraLevel.LOW)


def lead_time_level(median_hours: float | None) -> DoraLevel | None:
    """The level of a median lead time (hours)."""
    return _below(median_hours, _LEAD_TIME_HOURS)


def restore_level(median_hours: float | None) -> DoraLevel | None:
    """The level of a median time to restore (hours)."""
    return _below(median_hours, _RESTORE_HOURS)


def change_failure_level(rate: float | None) -> DoraLevel | None:
    """The level of a change failure rate (0..1)."""
    if rate is None:
        return None
    return next((level for edge, level in _FAILURE_RATE if rate <= edge), DoraLevel.LOW)


def frequency_level(days_per_week: float | None, days_per_month: float | None) -> DoraLevel | None:
    """The level of the median deployment days per week and per month."""
    if days_per_week is None or days_per_month is None:
        return None
    if days_per_week >= 3:
        return DoraLevel.ELITE
    if days_per_week >= 1:
        return DoraLevel.HIGH
    if days_per_month >= 1:
        return DoraLevel.MEDIUM
    return DoraLevel.LOW


def median_deployment_days(finished: Sequence[datetime], window: Window, days: int) -> float:
    """The median, over consecutive periods of `days` days counted back from the window's
    end (whole periods only, at least one), of the number of distinct UTC dates with a
    deployment in the period."""
    span = window.end - window.start
    periods = max(1, int(span / timedelta(days=days)))
    length = timedelta(days=days) if span >= timedelta(days=days) else span
    counts = []
    for k in range(periods):
        end = window.end - k * length
        start = end - length
        counts.append(len({t.date() for t in finished if start <= t < end}))
    return float(statistics.median(counts))


# ---------------------------------------------------------------------------------------
# Inputs and results


@dataclass(frozen=True)
class DeploymentFact:
    """A deployment of the scope to the environment, any time."""

    id: str
    status: str
    finished_at: datetime | None
    repository: str | None
    incidents: int
    #: The commit ids the deploying tool listed for it (Deployment.commits), if any.
    commits: tuple[str, ...] = ()

    @property
    def succeeded(self) -> bool:
        """Successful (in any case) and finished."""
        return self.status.lower() == DeploymentStatus.SUCCESS and self.finished_at is not None

    def succeeded_in(self, window: Window) -> bool:
        """Successful and finished in the window."""
        return self.succeeded and self.finished_at is not None and self.finished_at in window


@dataclass(frozen=True)
class ShippedChange:
    """A change a deployment SHIPPED: a pull request or a commit outside any pull request."""

    key: str
    deployment: str
    first_commit_at: datetime
    #: finishedAt of successful deployments to the environment that SHIPPED it: the
    #: earliest is what counts (dora/find_changes sends only it; empty when none did)
    shipped_at: tuple[datetime, ...]
    #: The commit shipped (a pull request's merge commit).
    commit: str = ""
    pull_request: str | None = None
    title: str | None = None
    opened_at: datetime | None = None
    merged_at: datetime | None = None
    #: submittedAt of the pull request's reviews (REVIEWED), any order.
    reviews: tuple[datetime, ...] = ()
    #: Only in the deployment's commit list, not derived from the commit graph.
    listed: bool = False


#: A time of a `ChangeColumns` column: microseconds since the epoch, '' for none.
ColumnTime = int | str


def _time(value: ColumnTime) -> int | None:
    return None if value == "" else int(value)


@dataclass(frozen=True)
class ChangeColumns:
    """The changes some deployments shipped, as dora/find_changes answers them: one list
    per field, in step, one entry per change (see `ShippedChange`); pull requests and
    times '' where a change has none, times in microseconds since the epoch. Titles and
    reviews are empty lists when read without the details. The figures alone
    (`lead_time_figures`) are computed on these as they are; `changes()` makes them
    `ShippedChange`s for the breakdown."""

    deployments: Sequence[str] = ()
    commits: Sequence[str] = ()
    pull_requests: Sequence[str] = ()
    first_commits: Sequence[int] = ()
    shipped: Sequence[ColumnTime] = ()
    listed: Sequence[bool] = ()
    opened: Sequence[ColumnTime] = ()
    merged: Sequence[ColumnTime] = ()
    titles: Sequence[str] = ()
    reviews: Sequence[Sequence[int]] = ()

    def key(self, i: int) -> str:
        """Change `i`'s key: its pull request, else its commit."""
        pull_request = self.pull_requests[i]
        return f"pr:{pull_request}" if pull_request else f"commit:{self.commits[i]}"

    def changes(self) -> list[ShippedChange]:
        """Every change as a `ShippedChange`."""
        out = []
        for i, deployment in enumerate(self.deployments):
            shipped, opened, merged = (
                _time(t[i]) for t in (self.shipped, self.opened, self.merged)
            )
            out.append(
                ShippedChange(
                    self.key(i),
                    deployment,
                    instant(self.first_commits[i]),
                    () if shipped is None else (instant(shipped),),
                    commit=self.commits[i],
                    pull_request=self.pull_requests[i] or None,
                    title=(self.titles[i] if self.titles else "") or None,
                    opened_at=None if opened is None else instant(opened),
                    merged_at=None if merged is None else instant(merged),
                    reviews=tuple(instant(t) for t in self.reviews[i]) if self.reviews else (),
                    listed=bool(self.listed[i]),
                )
            )
        return out


class Finding(StrEnum):
    """A timestamp rule that fired on a change (docs/metrics.md, lead time)."""

    COMMIT_AFTER_OPENED = "first commit authored after the PR was opened"
    DEPLOYED_BEFORE_MERGE = "first deployment finished before the merge"
    MERGED_BEFORE_OPENED = "merged before it was opened"
    REVIEW_BEFORE_OPENED = "first review before the PR was opened"
    NO_MERGE_TIME = "merged PR without mergedAt"


@dataclass(frozen=True)
class Change:
    """One change's lead time, with what it is made of (hours; None where the change has
    no such step: a commit outside any pull request, a PR never reviewed)."""

    key: str
    pull_request: str | None
    commit: str
    title: str | None
    first_commit_at: datetime
    opened_at: datetime | None
    first_review_at: datetime | None
    merged_at: datetime | None
    deployment: str
    deployed_at: datetime
    #: Where the lead time starts and ends after the timestamp rules.
    start: datetime
    end: datetime
    hours: float
    coding_hours: float | None
    pickup_hours: float | None
    review_hours: float | None
    deploy_hours: float | None
    #: First shipped by its repository's first tracked deployment via the commit graph.
    excluded: bool
    #: Shipped according to the deployment's commit list, not the commit graph.
    listed: bool
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class IncidentFact:
    """An incident of the scope."""

    id: str
    created_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class DeploymentFrequency:
    """Successful deployments in the window, per day, and deployment days."""

    deployments: int
    per_day: float | None
    median_days_per_week: float | None
    median_days_per_month: float | None
    level: DoraLevel | None


@dataclass(frozen=True)
class LeadTime:
    """First commit to production, over the changes first shipped in the window."""

    changes: int
    excluded: int
    median_hours: float | None
    p85_hours: float | None
    level: DoraLevel | None
    #: Every change first shipped in the window, counted or excluded, latest first.
    per_change: tuple[Change, ...] = ()
    #: How often each timestamp rule fired on those changes.
    findings: Mapping[Finding, int] | None = None


@dataclass(frozen=True)
class ChangeFailureRate:
    """Share of successful deployments in the window that caused an incident."""

    deployments: int
    failed: int
    rate: float | None
    level: DoraLevel | None


@dataclass(frozen=True)
class TimeToRestore:
    """Time from an incident's creation to its resolution, for those resolved in the window."""

    incidents: int
    unresolved: int
    median_hours: float | None
    level: DoraLevel | None


@dataclass(frozen=True)
class Dora:
    """The four keys of a scope in one environment over one window."""

    window: Window
    environment: str
    deployment_frequency: DeploymentFrequency
    lead_time: LeadTime
    change_failure_rate: ChangeFailureRate
    time_to_restore: TimeToRestore


# ---------------------------------------------------------------------------------------
# The math


def deployment_frequency(
    deployments: Sequence[DeploymentFact], window: Window
) -> DeploymentFrequency:
    """Deployment frequency over the window's successful deployments."""
    finished = [d.finished_at for d in deployments if d.finished_at and d.succeeded_in(window)]
    if not finished:
        return DeploymentFrequency(0, None, None, None, None)
    days = (window.end - window.start) / timedelta(days=1)
    per_week = median_deployment_days(finished, window, WEEK_DAYS)
    per_month = median_deployment_days(finished, window, MONTH_DAYS)
    return DeploymentFrequency(
        len(finished),
        len(finished) / days,
        per_week,
        per_month,
        frequency_level(per_week, per_month),
    )


def first_deployments(deployments: Sequence[DeploymentFact]) -> frozenset[str]:
    """Each repository's first successful deployment (by finishedAt, then id)."""
    first: dict[str | None, tuple[datetime, str]] = {}
    for d in deployments:
        if d.finished_at is None or not d.succeeded:
            continue
        held = first.get(d.repository)
        if held is None or (d.finished_at, d.id) < held:
            first[d.repository] = (d.finished_at, d.id)
    return frozenset(id for _, id in first.values())


def _micros(at: datetime) -> int:
    return (at - EPOCH) // timedelta(microseconds=1)


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / HOUR


def _bounds(
    first: Instant, opened: Instant | None, merged: Instant | None, deployed: Instant
) -> tuple[Instant, Instant]:
    """Where a lead time starts and ends: from the earlier of the first commit and the
    pull request's opening, to the deployment, or to the merge when the deployment
    finished before it."""
    start = first if opened is None else min(first, opened)
    end = merged if merged is not None and deployed < merged else deployed
    return start, end


def measure(change: ShippedChange, deployed_at: datetime, excluded: bool) -> Change:
    """One change's lead time and breakdown, by the rules where timestamps disagree
    (docs/metrics.md): the start is the earliest of the first commit and the PR's
    opening; a deployment that finished before the merge ends the lead time at the merge;
    reviews after the merge are not the PR's review, and one before its opening counts
    from the opening."""
    findings: list[Finding] = []
    opened, merged = change.opened_at, change.merged_at
    start, end = _bounds(change.first_commit_at, opened, merged, deployed_at)
    if opened is not None and change.first_commit_at > opened:
        findings.append(Finding.COMMIT_AFTER_OPENED)
    if merged is not None and deployed_at < merged:
        findings.append(Finding.DEPLOYED_BEFORE_MERGE)
    if change.pull_request is not None and merged is None:
        findings.append(Finding.NO_MERGE_TIME)
    if opened is not None and merged is not None and merged < opened:
        findings.append(Finding.MERGED_BEFORE_OPENED)
    reviews = sorted(r for r in change.reviews if merged is None or r <= merged)
    first_review = reviews[0] if reviews else None
    if first_review is not None and opened is not None and first_review < opened:
        findings.append(Finding.REVIEW_BEFORE_OPENED)
        first_review = opened
    coding = pickup = review = deploy = None
    if opened is not None:
        coding = _hours(opened - start)
        if first_review is not None:
            pickup = _hours(first_review - opened)
        if merged is not None:
            review = max(0.0, _hours(merged - (first_review or opened)))
    if merged is not None:
        deploy = max(0.0, _hours(end - merged))
    return Change(
        key=change.key,
        pull_request=change.pull_request,
        commit=change.commit,
        title=change.title,
        first_commit_at=change.first_commit_at,
        opened_at=opened,
        first_review_at=first_review,
        merged_at=merged,
        deployment=change.deployment,
        deployed_at=deployed_at,
        start=start,
        end=end,
        hours=_hours(end - start),
        coding_hours=coding,
        pickup_hours=pickup,
        review_hours=review,
        deploy_hours=deploy,
        excluded=excluded,
        listed=change.listed,
        findings=tuple(findings),
    )


def listed_at(deployments: Sequence[DeploymentFact]) -> dict[str, list[datetime]]:
    """Per commit, finishedAt of every successful deployment whose commit list names it."""
    out: dict[str, list[datetime]] = {}
    for d in deployments:
        if d.commits and d.succeeded and d.finished_at is not None:
            for commit in d.commits:
                out.setdefault(commit, []).append(d.finished_at)
    return out


def _first_shipping(
    rows: Iterable[tuple[str, str, str, Sequence[int], bool]],
    finished: Mapping[str, int],
    listings: Mapping[str, Sequence[int]],
    window: tuple[int, int],
) -> list[tuple[int, int]]:
    """Of rows (change key, deployment, commit, shipped at, listed), each change first
    shipped by a successful deployment in the window `[start, end)` (by the commit graph
    or by a deployment's commit list, whichever shipped it first), once: when that
    deployment finished (`finished`, successful deployments only) and the row's index.
    `listings`: per commit, when the deployments whose commit list names it finished.
    Times in microseconds since the epoch."""
    start, end = window
    earliest: dict[str, tuple[int, bool, int]] = {}
    for i, (key, deployment, commit, shipped_at, listed) in enumerate(rows):
        at = finished.get(deployment)
        shipped = [*shipped_at, *listings.get(commit, ())]
        # Counted once, with the first deployment that shipped it, if that one is here.
        if at is None or not start <= at < end or at != min(shipped, default=at):
            continue
        held = earliest.get(key)
        # Two entries for one deployment: the graph's wins over the list's.
        if held is None or (at, listed) < (held[0], held[1]):
            earliest[key] = (at, listed, i)
    return [(at, i) for at, _, i in earliest.values()]


def _shipping_facts(
    deployments: Sequence[DeploymentFact], window: Window
) -> tuple[dict[str, int], dict[str, list[int]], tuple[int, int]]:
    """What `_first_shipping` needs of the deployments and the window, in microseconds."""
    finished = {d.id: _micros(d.finished_at) for d in deployments if d.finished_at and d.succeeded}
    listings = {c: [_micros(at) for at in times] for c, times in listed_at(deployments).items()}
    return finished, listings, (_micros(window.start), _micros(window.end))


def first_shipped(
    deployments: Sequence[DeploymentFact], changes: Sequence[ShippedChange], window: Window
) -> list[tuple[datetime, ShippedChange]]:
    """Every change first shipped by a successful deployment in the window (by the
    commit graph or by a deployment's commit list, whichever shipped it first), with
    when that deployment finished."""
    rows = (
        (c.key, c.deployment, c.commit, [_micros(at) for at in c.shipped_at], c.listed)
        for c in changes
    )
    found = _first_shipping(rows, *_shipping_facts(deployments, window))
    return [(instant(at), changes[i]) for at, i in found]


def excluded(change: ShippedChange, firsts: frozenset[str]) -> bool:
    """Whether a change is left out of lead time: first shipped, through the commit graph,
    by its repository's first tracked deployment (`firsts`: `first_deployments`)."""
    return change.deployment in firsts and not change.listed


def changes_of(
    deployments: Sequence[DeploymentFact], changes: Sequence[ShippedChange], window: Window
) -> list[Change]:
    """Every change first shipped by a successful deployment in the window, measured;
    latest deployment first."""
    firsts = first_deployments(deployments)
    measured = [
        measure(change, at, excluded(change, firsts))
        for at, change in first_shipped(deployments, changes, window)
    ]
    measured.sort(key=lambda c: (c.deployed_at, c.key), reverse=True)
    return measured


def lead_time(
    deployments: Sequence[DeploymentFact], changes: Sequence[ShippedChange], window: Window
) -> LeadTime:
    """Lead time for changes first shipped by a successful deployment in the window,
    each change measured with its breakdown and findings (`lead_time_figures` gives the
    figures alone, from the changes as read)."""
    measured = changes_of(deployments, changes, window)
    hours = [c.hours for c in measured if not c.excluded]
    median = percentile(hours, 0.5)
    return LeadTime(
        len(hours),
        len(measured) - len(hours),
        median,
        percentile(hours, P85),
        lead_time_level(median),
        tuple(measured),
        dict(Counter(f for c in measured for f in c.findings)),
    )


def lead_time_figures(
    deployments: Sequence[DeploymentFact], columns: ChangeColumns, window: Window
) -> LeadTime:
    """`lead_time` without details, on the changes as read: the same rules
    (`_first_shipping`, `excluded`, `_bounds`) on microseconds, with no `ShippedChange`
    made (at 1,000,000 work items, 21,762 of them and their datetimes were a fifth of a
    product's DORA request)."""
    rows = (
        (columns.key(i), deployment, columns.commits[i], _shipped(columns.shipped[i]), listed)
        for i, (deployment, listed) in enumerate(
            zip(columns.deployments, columns.listed, strict=True)
        )
    )
    found = _first_shipping(rows, *_shipping_facts(deployments, window))
    firsts = first_deployments(deployments)
    hours = []
    for at, i in found:
        if columns.deployments[i] in firsts and not columns.listed[i]:
            continue  # `excluded`
        start, end = _bounds(
            columns.first_commits[i], _time(columns.opened[i]), _time(columns.merged[i]), at
        )
        hours.append((end - start) / (HOUR * 1_000_000))
    median = percentile(hours, 0.5)
    return LeadTime(
        len(hours), len(found) - len(hours), median, percentile(hours, P85),
        lead_time_level(median), (), None,
    )  # fmt: skip


def _shipped(value: ColumnTime) -> tuple[int, ...]:
    time = _time(value)
    return () if time is None else (time,)


def change_failure_rate(deployments: Sequence[DeploymentFact], window: Window) -> ChangeFailureRate:
    """Successful deployments in the window with an incident, over all of them."""
    counted = [d for d in deployments if d.succeeded_in(window)]
    failed = sum(1 for d in counted if d.incidents > 0)
    rate = failed / len(counted) if counted else None
    return ChangeFailureRate(len(counted), failed, rate, change_failure_level(rate))


def time_to_restore(incidents: Sequence[IncidentFact], window: Window) -> TimeToRestore:
    """Median time to restore over the incidents resolved in the window."""
    hours = [
        (i.resolved_at - i.created_at).total_seconds() / HOUR
        for i in incidents
        if i.resolved_at is not None and i.resolved_at in window
    ]
    unresolved = sum(
        1
        for i in incidents
        if i.created_at in window and (i.resolved_at is None or i.resolved_at >= window.end)
    )
    median = percentile(hours, 0.5)
    return TimeToRestore(len(hours), unresolved, median, restore_level(median))


def four_keys(
    window: Window,
    environment: str,
    deployments: Sequence[DeploymentFact],
    changes: Sequence[ShippedChange],
    incidents: Sequence[IncidentFact],
    lead: LeadTime | None = None,
) -> Dora:
    """The four keys from the scope's facts; `lead`, when given, is the lead time
    already measured (the figures alone: `lead_time_figures`), and `changes` are not
    read."""
    return Dora(
        window,
        environment,
        deployment_frequency(deployments, window),
        lead or lead_time(deployments, changes, window),
        change_failure_rate(deployments, window),
        time_to_restore(incidents, window),
    )
