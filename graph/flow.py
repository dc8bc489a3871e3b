"""Flow Framework metrics (DESIGN.md §4) as pure functions over loaded stage visits.

Nothing here touches the database: `graph/flow_queries.py` loads a `FlowData` (the
stages of a scope and the visits of the work items that moved in a window), and the
functions below compute every metric from it, so the math is unit-testable on literal
fixtures. The visits are held as numpy columns (graph/flow_history.py): a value stream
of 100,000 items is computed in a fraction of a second. docs/metrics.md states each
formula; the rules that shape all of them:

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

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property

import numpy as np
import numpy.typing as npt

from graph.errors import InvalidArgument
from graph.flow_history import (
    FLOW_TYPES,
    MISSING,
    NEVER,
    Flags,
    History,
    Ints,
    ItemFacts,
    Lives,
    as_days,
    counts_at,
    lives,
    per_flow_type,
    stage_flags,
)
from graph.model import FlowType, StageState, WorkItemKind
from graph.stats import P85, percentile
from graph.times import instant, micros

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
DEFAULT_DAYS = 90
#: Kinds counted when none are asked for: initiatives and epics are portfolio items
#: whose flow is their children's.
DEFAULT_KINDS: tuple[WorkItemKind, ...] = tuple(
    k for k in WorkItemKind if k not in (WorkItemKind.INITIATIVE, WorkItemKind.EPIC)
)
STARTED_STATES = frozenset({StageState.ACTIVE, StageState.WAITING})


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
    """A work item with its visits to the scope's stages entered before the window's end,
    its owner team and the items it is blocked by."""

    id: str
    kind: WorkItemKind
    flow_type: FlowType
    visits: tuple[Visit, ...]
    team: str | None = None
    blocked_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlowData:
    """What the metrics are computed from.

    `history` holds the items that were somewhere other than a done stage during the
    window or moved in it, with their visits to the scope's stages entered before its
    end; `resting` counts, per done stage, the items that sat in it through the whole
    window (done before it and not reopened in it): they only add to the CFD and to WIP
    of that stage, so they are counted by the database, not loaded.
    """

    window: Window
    stages: tuple[FlowStage, ...]
    history: History
    resting: Mapping[str, int] = field(default_factory=dict)
    flow_types: tuple[FlowType, ...] = tuple(FlowType)

    @classmethod
    def of(
        cls,
        window: Window,
        stages: Sequence[FlowStage],
        items: Iterable[FlowItem],
        resting: Mapping[str, int] | None = None,
        flow_types: tuple[FlowType, ...] = tuple(FlowType),
    ) -> FlowData:
        """Flow data from items written out one by one (small fixtures, tests)."""
        index = {s.id: n for n, s in enumerate(stages)}
        listed = list(items)
        visits: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        for n, item in enumerate(listed):
            for v in item.visits:
                if v.stage not in index:
                    raise ValueError(f"{item.id}: a visit to {v.stage!r}, not a stage of the scope")
                visits[0].append(n)
                visits[1].append(index[v.stage])
                visits[2].append(micros(v.entered_at))
                visits[3].append(NEVER if v.exited_at is None else micros(v.exited_at))
        history = History.build(
            [s.id for s in stages],
            [ItemFacts(i.id, i.kind, i.flow_type, i.team, i.blocked_by) for i in listed],
            visits,
            micros(window.end),
        )
        return cls(window, tuple(stages), history, dict(resting or {}), flow_types)

    @cached_property
    def items(self) -> tuple[FlowItem, ...]:
        """The loaded items with their visits as objects, by id (for reading and tests;
        the metrics work on `history`)."""
        h = self.history
        visits: list[list[Visit]] = [[] for _ in h.ids]
        for n, stage, entered, exited in zip(
            h.item.tolist(), h.stage.tolist(), h.entered.tolist(), h.exited.tolist(), strict=True
        ):
            left = None if exited == NEVER else instant(exited)
            visits[n].append(Visit(self.stages[stage].id, instant(entered), left))
        return tuple(
            FlowItem(h.ids[n], h.kinds[n], FLOW_TYPES[code], tuple(v), h.teams[n], h.blockers[n])
            for n, (code, v) in enumerate(zip(h.flow_types.tolist(), visits, strict=True))
        )

    @cached_property
    def lives(self) -> Lives:
        """Every loaded item's life as of the window's end, read once for all metrics."""
        states = [s.state for s in self.stages]
        return lives(
            self.history,
            stage_flags(states, STARTED_STATES),
            stage_flags(states, frozenset({StageState.DONE})),
            micros(self.window.end),
        )

    @cached_property
    def _flow(self) -> _Flow:
        return _Flow.of(self)


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


def _days(us: int) -> float:
    # The same float as days(timedelta(microseconds=us)).
    return us / 10**6 / 86400


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


def _instants(spans: Sequence[tuple[datetime, datetime]], *, ends: bool) -> Ints:
    return np.array([micros(b if ends else a) for a, b in spans], dtype=np.int64)


# ---------------------------------------------------------------------------------------
# What several metrics read, derived once per flow data


@dataclass(frozen=True, eq=False)
class _Flow:
    """The window's view of the lives: done items, flow times, time per stage, and the
    stays in done stages during which a started item is not in progress."""

    start: int
    end: int
    #: Per item: done in the window; and done in it having started (it has a flow time).
    done_in: Flags
    timed: Flags
    #: Flow times in days of the timed items, in item order, and their flow-type codes.
    flow_times: npt.NDArray[np.float64]
    flow_time_types: Ints
    #: Microseconds each stage holds of the timed items' flow times (visits clipped to
    #: [started, done]), and their sum: the total flow time.
    stage_time: list[int]
    total_time: int
    #: Stays `(from, to]` in a done stage after the item started: not in progress then.
    paused_from: Ints
    paused_to: Ints
    #: Per item: in progress at the window's end.
    in_progress_at_end: Flags

    @classmethod
    def of(cls, data: FlowData) -> _Flow:
        h, lv = data.history, data.lives
        start, end = micros(data.window.start), micros(data.window.end)
        done_in = (lv.done >= start) & (lv.done < end)
        has_started = lv.started != MISSING
        timed = done_in & has_started
        flow_us = lv.done[timed] - lv.started[timed]

        of_timed = timed[h.item]
        who = h.item[of_timed]
        overlap = np.minimum(lv.end[of_timed], lv.done[who]) - np.maximum(
            h.entered[of_timed], lv.started[who]
        )
        stage_time = np.zeros(len(data.stages), dtype=np.int64)
        np.add.at(stage_time, h.stage[of_timed], np.maximum(overlap, 0))

        done_stage = np.array([s.state is StageState.DONE for s in data.stages], dtype=np.bool_)
        paused = done_stage[h.stage] & has_started[h.item]
        paused_item = h.item[paused]
        paused_from = np.maximum(h.entered[paused], lv.started[paused_item])
        paused_to = lv.end[paused]
        in_progress_at_end = has_started & (lv.started < end)
        holds_end = (paused_from < end) & (end <= paused_to)
        in_progress_at_end[paused_item[holds_end]] = False

        return cls(
            start=start,
            end=end,
            done_in=done_in,
            timed=timed,
            flow_times=as_days(flow_us),
            flow_time_types=h.flow_types[timed],
            stage_time=[int(t) for t in stage_time],
            total_time=int(flow_us.sum()),
            paused_from=paused_from,
            paused_to=paused_to,
            in_progress_at_end=in_progress_at_end,
        )


# ---------------------------------------------------------------------------------------
# The metrics


def flow_metrics(data: FlowData) -> FlowMetrics:
    """Velocity, flow time, efficiency, load and distribution over the window."""
    window, flow_types, f = data.window, data.flow_types, data._flow
    h, lv = data.history, data.lives

    weeks = buckets(window, Interval.WEEK)
    week = np.searchsorted(_instants(weeks, ends=False), lv.done[f.done_in], side="right") - 1
    per_week = np.bincount(week, minlength=len(weeks)).tolist()
    velocity_weekly = tuple(Point(a, b, n) for (a, b), n in zip(weeks, per_week, strict=True))

    active = [n for n, s in enumerate(data.stages) if s.state is StageState.ACTIVE]
    active_time = sum(f.stage_time[n] for n in active)
    efficiency = _ratio(active_time / 10**6, f.total_time / 10**6)

    days_ = buckets(window, Interval.DAY)
    ends = _instants(days_, ends=True)
    started = np.sort(lv.started[lv.started != MISSING])
    in_progress = np.searchsorted(started, ends, side="left") - counts_at(
        ends, f.paused_from, f.paused_to
    )
    daily = [int(n) for n in in_progress]
    load_daily = tuple(Point(a, b, n) for (a, b), n in zip(days_, daily, strict=True))

    by_type = []
    for flow_type in flow_types:
        code = FLOW_TYPES.index(flow_type)
        mine = f.flow_times[f.flow_time_types == code].tolist()
        velocity = int(np.count_nonzero(f.done_in & (h.flow_types == code)))
        by_type.append(FlowTypeMetrics(flow_type, velocity, durations(mine)))

    return FlowMetrics(
        window=window,
        velocity=int(np.count_nonzero(f.done_in)),
        velocity_weekly=velocity_weekly,
        flow_time=durations(f.flow_times.tolist()),
        efficiency=efficiency,
        load=int(np.count_nonzero(f.in_progress_at_end)),
        load_daily_mean=_mean(daily),
        load_daily=load_daily,
        by_flow_type=tuple(by_type),
        distribution_done=shares(per_flow_type(h.flow_types[f.done_in]), flow_types),
        distribution_load=shares(per_flow_type(h.flow_types[f.in_progress_at_end]), flow_types),
    )


def stage_metrics(data: FlowData) -> tuple[StageMetrics, ...]:
    """Per stage: WIP at the window's end, arrivals and departures in the window, time in
    stage of the visits that left it in the window, and its share of flow time."""
    f, h, lv = data._flow, data.history, data.lives
    wip = _stage_counts(data, np.array([f.end], dtype=np.int64))
    entered_in = (h.entered >= f.start) & (h.entered < f.end)
    arrivals = np.bincount(h.stage[entered_in], minlength=len(data.stages)).tolist()
    left_in = (lv.end >= f.start) & (lv.end < f.end)
    stay_days = as_days(lv.end[left_in] - h.entered[left_in])
    stay_stage = h.stage[left_in]
    metrics = []
    for n, stage in enumerate(data.stages):
        stays = stay_days[stay_stage == n].tolist()
        metrics.append(
            StageMetrics(
                stage=stage,
                wip=wip[n][0],
                arrivals=arrivals[n],
                departures=len(stays),
                time_in_stage=durations(stays),
                flow_time_share=_ratio(f.stage_time[n] / 10**6, f.total_time / 10**6),
            )
        )
    return tuple(metrics)


def _stage_counts(data: FlowData, instants: Ints) -> list[list[int]]:
    """Per stage (by index), the items in it at each of the sorted instants, resting
    ones included."""
    h, lv = data.history, data.lives
    out = []
    for n, stage in enumerate(data.stages):
        mine = h.stage == n
        counts = counts_at(instants, h.entered[mine], lv.end[mine])
        resting = data.resting.get(stage.id, 0)
        out.append([int(c) + resting for c in counts])
    return out


def cfd(data: FlowData, interval: Interval = Interval.DAY) -> Cfd:
    """Items in each stage at the end of each day (or week) of the window."""
    spans = buckets(data.window, interval)
    counts = _stage_counts(data, _instants(spans, ends=True))
    points = tuple(
        CfdPoint(a, b, {s.id: counts[n][k] for n, s in enumerate(data.stages)})
        for k, (a, b) in enumerate(spans)
    )
    return Cfd(interval, data.stages, points)


def aging_wip(data: FlowData) -> AgingWip:
    """Items started and not done at the window's end, oldest first, flagged when older
    than the p85 flow time of the items done in the window."""
    f, h, lv = data._flow, data.history, data.lives
    p85 = percentile(f.flow_times.tolist(), P85)
    items = []
    for n in np.flatnonzero(f.in_progress_at_end).tolist():
        started = int(lv.started[n])
        last = int(lv.last[n])
        # The item's stage at the window's end: its last visit, unless that ended before.
        current = last if last >= 0 and lv.end[last] >= f.end else None
        age = _days(f.end - started)
        items.append(
            AgingItem(
                id=h.ids[n],
                kind=h.kinds[n],
                flow_type=FLOW_TYPES[int(h.flow_types[n])],
                started=instant(started),
                age=age,
                stage=None if current is None else data.stages[int(h.stage[current])].id,
                in_stage=None if current is None else _days(f.end - int(h.entered[current])),
                past_p85=None if p85 is None else age > p85,
            )
        )
    items.sort(key=lambda a: (-a.age, a.id))
    return AgingWip(data.window.end, p85, tuple(items))
