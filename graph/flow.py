"""Flow Framework metrics (DESIGN.md §4) as pure functions over loaded stage visits.

Nothing here touches the database: `graph/flow_queries.py` loads a `FlowData` (the
stages of a scope and the visits of the work items that moved in a window), and the
functions below compute every metric from it, so the math is unit-testable on literal
fixtures. docs/metrics.md states each formula; the rules that shape all of them:

- **Window** `[start, end)` in UTC. Every state is read *as of an instant* `t`: only
  visits entered strictly before `t` are known, and an item is in the stage of the visit
  with `enteredAt < t <= exitedAt` (an open visit never ends). "At the end of a day" is
  the instant the next day begins; "at `to`" is `to` itself. So an event at exactly
  `to` belongs to the next window, in every metric alike.
- **started** = the first entry into an `active` or `waiting` stage; **done** = the
  item's latest visit is to a `done` stage, and its done time is the entry into the first
  of the `done`-stage visits that end its history. A reopened item is not done; done
  again later, its done time is the later one.
- **Percentiles** interpolate linearly between closest ranks (numpy's default,
  Cypher's `percentileCont`). Statistics of an empty set are None, counts are 0.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property

from graph.errors import InvalidArgument
from graph.model import FlowType, StageState, WorkItemKind
from graph.stats import P85, percentile

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
DEFAULT_DAYS = 90
#: Kinds counted when none are asked for: initiatives and epics are portfolio items
#: whose flow is their children's.
DEFAULT_KINDS: tuple[WorkItemKind, ...] = tuple(
    k for k in WorkItemKind if k not in (WorkItemKind.INITIATIVE, WorkItemKind.EPIC)
)
STARTED_STATES = frozenset({StageState.ACTIVE, StageState.WAITING})
_FOREVER = datetime.max.replace(tzinfo=UTC)


class Interval(StrEnum):
    """How a series buckets the window: UTC days, or ISO weeks starting Monday 00:00 UTC."""

    DAY = "day"
    WEEK = "week"


class ScopeKind(StrEnum):
    """What the metrics are about: a value stream, a product or a team."""

    VALUE_STREAM = "value_stream"
    PRODUCT = "product"
    TEAM = "team"


# ---------------------------------------------------------------------------------------
# Inputs


def _utc(value: datetime, name: str) -> datetime:
    if value.utcoffset() is None:
        raise InvalidArgument(f"{name}: give a timezone (e.g. 2025-03-01T00:00:00Z)")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class Window:
    """The half-open interval `[start, end)` the metrics cover, in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _utc(self.start, "from"))
        object.__setattr__(self, "end", _utc(self.end, "to"))
        if self.start >= self.end:
            raise InvalidArgument(f"from ({self.start:%Y-%m-%dT%H:%M:%SZ}) must be before to")

    @classmethod
    def of(cls, start: datetime | None, end: datetime | None, now: datetime) -> Window:
        """A window from optional bounds: `end` defaults to `now`, `start` to 90 days
        before `end`."""
        end = end if end is not None else now
        return cls(start if start is not None else end - timedelta(days=DEFAULT_DAYS), end)

    def __contains__(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True)
class FlowQuery:
    """Which flow metrics to compute: a scope, a window and the items counted."""

    scope: ScopeKind
    id: str
    window: Window
    kinds: tuple[WorkItemKind, ...] = DEFAULT_KINDS
    flow_types: tuple[FlowType, ...] = tuple(FlowType)


@dataclass(frozen=True)
class FlowStage:
    """A stage of the scope, as the metrics need it."""

    id: str
    name: str
    order: int
    state: StageState
    value_stream: str


@dataclass(frozen=True)
class Visit:
    """One stay of an item in a stage; `exited_at` None while it is still there."""

    stage: str
    entered_at: datetime
    exited_at: datetime | None = None


@dataclass(frozen=True)
class FlowItem:
    """A work item with its visits to the scope's stages entered before the window's end."""

    id: str
    kind: WorkItemKind
    flow_type: FlowType
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class FlowData:
    """What the metrics are computed from.

    `items` are the items that were somewhere other than a done stage during the window
    or moved in it; `resting` counts, per done stage, the items that sat in it through the
    whole window (done before it and not reopened in it): they only add to the CFD and
    to WIP of that stage, so they are counted by the database, not loaded.
    """

    window: Window
    stages: tuple[FlowStage, ...]
    items: tuple[FlowItem, ...]
    resting: Mapping[str, int] = field(default_factory=dict)
    flow_types: tuple[FlowType, ...] = tuple(FlowType)

    @cached_property
    def lives(self) -> tuple[Life, ...]:
        """Every loaded item's life as of the window's end, read once for all metrics."""
        states = {s.id: s.state for s in self.stages}
        return tuple(life(item, states, self.window.end) for item in self.items)

    @cached_property
    def stays(self) -> Mapping[str, list[tuple[datetime, datetime]]]:
        """Per stage, the `(entered, exited]` instants at which each loaded visit holds
        its item there."""
        out: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
        for lf in self.lives:
            for span in lf.spans:
                out[span.stage].append((span.entered, span.exited))
        return out


# ---------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Durations:
    """Summary of a set of durations in days; None where the set is empty."""

    count: int
    median: float | None
    p85: float | None
    mean: float | None


@dataclass(frozen=True)
class Share:
    """How many of a set have a flow type, and their share of it (None for an empty set)."""

    flow_type: FlowType
    count: int
    share: float | None


@dataclass(frozen=True)
class Point:
    """A count for one bucket of a series: done in `[start, end)`, or held at `end`."""

    start: datetime
    end: datetime
    count: int


@dataclass(frozen=True)
class FlowTypeMetrics:
    """Velocity and flow time of the items of one flow type."""

    flow_type: FlowType
    velocity: int
    flow_time: Durations


@dataclass(frozen=True)
class FlowMetrics:
    """The Flow Framework metrics of a scope over a window."""

    window: Window
    velocity: int
    velocity_weekly: tuple[Point, ...]
    flow_time: Durations
    efficiency: float | None
    load: int
    load_daily_mean: float
    load_daily: tuple[Point, ...]
    by_flow_type: tuple[FlowTypeMetrics, ...]
    distribution_done: tuple[Share, ...]
    distribution_load: tuple[Share, ...]


@dataclass(frozen=True)
class StageMetrics:
    """One stage over a window: WIP at its end, traffic, time in it, share of flow time."""

    stage: FlowStage
    wip: int
    arrivals: int
    departures: int
    time_in_stage: Durations
    flow_time_share: float | None


@dataclass(frozen=True)
class CfdPoint:
    """Items in each stage (by id) at the end of one bucket."""

    start: datetime
    end: datetime
    counts: Mapping[str, int]


@dataclass(frozen=True)
class Cfd:
    """Cumulative flow: items per stage at the end of each day or week of the window."""

    interval: Interval
    stages: tuple[FlowStage, ...]
    points: tuple[CfdPoint, ...]


@dataclass(frozen=True)
class AgingItem:
    """An item in progress at the window's end, with its age."""

    id: str
    kind: WorkItemKind
    flow_type: FlowType
    started: datetime
    age: float
    stage: str | None
    in_stage: float | None
    past_p85: bool | None


@dataclass(frozen=True)
class AgingWip:
    """Items in progress at `at`, oldest first, against the window's p85 flow time."""

    at: datetime
    p85_flow_time: float | None
    items: tuple[AgingItem, ...]


# ---------------------------------------------------------------------------------------
# Small pure helpers


def days(delta: timedelta) -> float:
    """A duration in days."""
    return delta.total_seconds() / 86400


def durations(values: Sequence[float]) -> Durations:
    """Count, median, p85 and mean of durations in days."""
    if not values:
        return Durations(0, None, None, None)
    return Durations(len(values), percentile(values, 0.5), percentile(values, P85), _mean(values))


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def buckets(window: Window, interval: Interval) -> list[tuple[datetime, datetime]]:
    """The UTC days (or Monday-based weeks) meeting the window, clipped to it."""
    step = DAY if interval is Interval.DAY else WEEK
    first = window.start.replace(hour=0, minute=0, second=0, microsecond=0)
    if interval is Interval.WEEK:
        first -= timedelta(days=first.weekday())
    out = []
    at = first
    while at < window.end:
        out.append((max(at, window.start), min(at + step, window.end)))
        at += step
    return out


def shares(counts: Mapping[FlowType, int], flow_types: Iterable[FlowType]) -> tuple[Share, ...]:
    """Each flow type's count and share of the total (None when the total is 0)."""
    total = sum(counts.values())
    return tuple(Share(t, counts.get(t, 0), _ratio(counts.get(t, 0), total)) for t in flow_types)


# ---------------------------------------------------------------------------------------
# One item's life, read from its visits


@dataclass(frozen=True)
class _Span:
    """A visit with its effective end: its exit, or the next visit's entry if earlier."""

    stage: str
    state: StageState
    entered: datetime
    exited: datetime  # _FOREVER while open


@dataclass(frozen=True)
class Life:
    """What the metrics read from one item's visits, as of the window's end."""

    item: FlowItem
    spans: tuple[_Span, ...]
    started: datetime | None
    done: datetime | None

    @cached_property
    def in_progress(self) -> list[tuple[datetime, datetime]]:
        """The intervals `(a, b]` of instants at which the item is started and not done."""
        if self.started is None:
            return []
        out = []
        at = self.started
        for span in self.spans:
            if span.state is not StageState.DONE or span.exited <= at:
                continue
            if span.entered > at:
                out.append((at, span.entered))
            at = span.exited
            if at == _FOREVER:
                return out
        out.append((at, _FOREVER))
        return out


def life(item: FlowItem, states: Mapping[str, StageState], end: datetime) -> Life:
    """Read an item's started and done times from its visits entered before `end`."""
    visits = sorted((v for v in item.visits if v.entered_at < end), key=lambda v: v.entered_at)
    spans = []
    for n, visit in enumerate(visits):
        exited = visit.exited_at or _FOREVER
        if n + 1 < len(visits):
            exited = min(exited, visits[n + 1].entered_at)
        spans.append(_Span(visit.stage, states[visit.stage], visit.entered_at, exited))
    started = next((s.entered for s in spans if s.state in STARTED_STATES), None)
    done = None
    # Done at `end`: the latest visit is to a done stage and has not ended before `end`.
    if spans and spans[-1].state is StageState.DONE and spans[-1].exited >= end:
        n = len(spans) - 1
        while n > 0 and spans[n - 1].state is StageState.DONE:
            n -= 1
        done = spans[n].entered
    return Life(item, tuple(spans), started, done)


def _counts_at(
    instants: Sequence[datetime], intervals: Iterable[tuple[datetime, datetime]]
) -> list[int]:
    """How many `(a, b]` intervals hold each of the sorted instants."""
    diff = [0] * (len(instants) + 1)
    for a, b in intervals:
        diff[bisect.bisect_right(instants, a)] += 1
        diff[bisect.bisect_right(instants, b)] -= 1
    out, running = [], 0
    for step in diff[:-1]:
        running += step
        out.append(running)
    return out


# ---------------------------------------------------------------------------------------
# The metrics


def _done_in_window(all_lives: Sequence[Life], window: Window) -> list[Life]:
    return [lf for lf in all_lives if lf.done is not None and lf.done in window]


def _flow_time(lf: Life) -> float | None:
    if lf.started is None or lf.done is None:
        return None
    return days(lf.done - lf.started)


def _overlap(span: _Span, start: datetime, end: datetime) -> timedelta:
    return max(timedelta(0), min(span.exited, end) - max(span.entered, start))


def _time_by_stage(done: Sequence[Life]) -> tuple[dict[str, timedelta], timedelta]:
    """Time each stage holds of the flow time of `done` items (visits clipped to
    [started, done]), and the total flow time."""
    per_stage: dict[str, timedelta] = defaultdict(timedelta)
    total = timedelta(0)
    for lf in done:
        if lf.started is None or lf.done is None:
            continue
        total += lf.done - lf.started
        for span in lf.spans:
            per_stage[span.stage] += _overlap(span, lf.started, lf.done)
    return per_stage, total


def flow_metrics(data: FlowData) -> FlowMetrics:
    """Velocity, flow time, efficiency, load and distribution over the window."""
    window, flow_types = data.window, data.flow_types
    all_lives = data.lives
    done = _done_in_window(all_lives, window)
    times = [t for lf in done if (t := _flow_time(lf)) is not None]

    weeks = buckets(window, Interval.WEEK)
    week_starts = [a for a, _ in weeks]
    per_week = Counter(bisect.bisect_right(week_starts, lf.done) - 1 for lf in done if lf.done)
    velocity_weekly = tuple(Point(a, b, per_week.get(n, 0)) for n, (a, b) in enumerate(weeks))

    per_stage, total = _time_by_stage(done)
    active = {s.id for s in data.stages if s.state is StageState.ACTIVE}
    active_time = sum((t for s, t in per_stage.items() if s in active), timedelta(0))
    efficiency = _ratio(active_time.total_seconds(), total.total_seconds())

    day_buckets = buckets(window, Interval.DAY)
    ends = [b for _, b in day_buckets]
    in_progress = [lf.in_progress for lf in all_lives]
    daily = _counts_at(ends, (iv for ivs in in_progress for iv in ivs))
    load_daily = tuple(Point(a, b, n) for (a, b), n in zip(day_buckets, daily, strict=True))
    at_end = [lf for lf, ivs in zip(all_lives, in_progress, strict=True) if _holds(ivs, window.end)]

    by_type = []
    for flow_type in flow_types:
        mine = [lf for lf in done if lf.item.flow_type is flow_type]
        mine_times = [t for lf in mine if (t := _flow_time(lf)) is not None]
        by_type.append(FlowTypeMetrics(flow_type, len(mine), durations(mine_times)))

    return FlowMetrics(
        window=window,
        velocity=len(done),
        velocity_weekly=velocity_weekly,
        flow_time=durations(times),
        efficiency=efficiency,
        load=len(at_end),
        load_daily_mean=_mean(daily),
        load_daily=load_daily,
        by_flow_type=tuple(by_type),
        distribution_done=shares(Counter(lf.item.flow_type for lf in done), flow_types),
        distribution_load=shares(Counter(lf.item.flow_type for lf in at_end), flow_types),
    )


def _holds(intervals: Sequence[tuple[datetime, datetime]], at: datetime) -> bool:
    return any(a < at <= b for a, b in intervals)


def stage_metrics(data: FlowData) -> tuple[StageMetrics, ...]:
    """Per stage: WIP at the window's end, arrivals and departures in the window, time in
    stage of the visits that left it in the window, and its share of flow time."""
    window = data.window
    all_lives = data.lives
    wip = _stage_counts(data, [window.end])
    arrivals: Counter[str] = Counter()
    stays: dict[str, list[float]] = defaultdict(list)
    for lf in all_lives:
        for span in lf.spans:
            if span.entered in window:
                arrivals[span.stage] += 1
            if span.exited in window:
                stays[span.stage].append(days(span.exited - span.entered))
    per_stage, total = _time_by_stage(_done_in_window(all_lives, window))
    return tuple(
        StageMetrics(
            stage=stage,
            wip=wip[stage.id][0],
            arrivals=arrivals[stage.id],
            departures=len(stays[stage.id]),
            time_in_stage=durations(stays[stage.id]),
            flow_time_share=_ratio(
                per_stage.get(stage.id, timedelta(0)).total_seconds(), total.total_seconds()
            ),
        )
        for stage in data.stages
    )


def _stage_counts(data: FlowData, instants: Sequence[datetime]) -> dict[str, list[int]]:
    """Items in each stage at each of the sorted instants, resting ones included."""
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(instants))
    for stage, intervals in data.stays.items():
        out[stage] = _counts_at(instants, intervals)
    for stage, count in data.resting.items():
        out[stage] = [n + count for n in out[stage]]
    return out


def cfd(data: FlowData, interval: Interval = Interval.DAY) -> Cfd:
    """Items in each stage at the end of each day (or week) of the window."""
    spans = buckets(data.window, interval)
    counts = _stage_counts(data, [b for _, b in spans])
    points = tuple(
        CfdPoint(a, b, {s.id: counts[s.id][n] for s in data.stages})
        for n, (a, b) in enumerate(spans)
    )
    return Cfd(interval, data.stages, points)


def aging_wip(data: FlowData) -> AgingWip:
    """Items started and not done at the window's end, oldest first, flagged when older
    than the p85 flow time of the items done in the window."""
    end = data.window.end
    all_lives = data.lives
    done = _done_in_window(all_lives, data.window)
    p85 = percentile([t for lf in done if (t := _flow_time(lf)) is not None], P85)
    items = []
    for lf in all_lives:
        if lf.started is None or not _holds(lf.in_progress, end):
            continue
        current = next((s for s in reversed(lf.spans) if s.entered < end <= s.exited), None)
        age = days(end - lf.started)
        items.append(
            AgingItem(
                id=lf.item.id,
                kind=lf.item.kind,
                flow_type=lf.item.flow_type,
                started=lf.started,
                age=age,
                stage=current.stage if current else None,
                in_stage=days(end - current.entered) if current else None,
                past_p85=None if p85 is None else age > p85,
            )
        )
    items.sort(key=lambda a: (-a.age, a.id))
    return AgingWip(end, p85, tuple(items))
