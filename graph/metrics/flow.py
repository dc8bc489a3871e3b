"""Flow Framework metrics (DESIGN.md §4) as pure functions over loaded stage visits.

Nothing here touches the database: `graph/metrics/flow_queries.py` loads a `FlowData` (the
stages of a scope and the visits of the work items that moved in a window), and the
functions below compute every metric from it, so the math is unit-testable on literal
fixtures. The visits are held as numpy columns (graph/metrics/flow_history.py): a value stream
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
  again later, its done time is the later one, and its flow time leaves out the time it
  sat done in between.
- **Outcomes**: an item done in a stage declared `outcome: discarded`, or resolved so by
  its tool (`discarded_by_tool`), was dropped: it leaves velocity, flow time, efficiency
  and distribution and is reported apart (`Discarded`).
- **Flow Load** is Kersten's: the items in an `active` or `waiting` stage at the instant;
  one back in a `new` stage is out of the load and aging WIP (`returned_to_new`).
- **Flow Items** are a level (`FlowItemLevel`): by default a Feature's Stories are not
  counted beside it; the database leaves nested items out when loading.
- **Weekly velocity** is each week measured as its own window.
- **Percentiles** interpolate linearly between closest ranks (numpy's default,
  Cypher's `percentileCont`). Statistics of an empty set are None, counts are 0.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property

import numpy as np
import numpy.typing as npt

from graph.errors import InvalidArgument
from graph.metrics.flow_history import (
    FLOW_TYPES,
    MISSING,
    NEVER,
    Flags,
    History,
    Ints,
    ItemFacts,
    Lives,
    Runs,
    as_days,
    counts_at,
    done_runs,
    lives,
    per_flow_type,
    stage_flags,
)
from graph.metrics.stats import P85, percentile
from graph.model import FlowItemLevel, FlowType, Outcome, StageState, WorkItemKind
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
#: The level of Flow Items when neither the query nor the value stream names one.
DEFAULT_LEVEL = FlowItemLevel.VALUE
#: Per level, the kind counted only when it is not nested in another counted kind:
#: (kind, the kind that makes it nested, "parent" if that one is its parent, "child"
#: if it is its child). A Feature's Stories are its parts, not more value.
NESTED: Mapping[FlowItemLevel, tuple[WorkItemKind, WorkItemKind, str] | None] = {
    FlowItemLevel.VALUE: (WorkItemKind.STORY, WorkItemKind.FEATURE, "parent"),
    FlowItemLevel.DELIVERY: (WorkItemKind.FEATURE, WorkItemKind.STORY, "child"),
    FlowItemLevel.ALL: None,
}
#: Tool resolutions (any case) that mean the item was dropped, not delivered, when the
#: item carries no `outcome` of its own: Jira's default and common custom resolutions,
#: GitHub's `not_planned` close reason, Azure Boards' Removed.
DISCARDED_RESOLUTIONS = frozenset(
    {
        "won't do",
        "won't fix",
        "wont do",
        "wontfix",
        "wont fix",
        "duplicate",
        "cannot reproduce",
        "can't reproduce",
        "not a bug",
        "cancelled",
        "canceled",
        "declined",
        "rejected",
        "obsolete",
        "abandoned",
        "incomplete",
        "not planned",
        "not_planned",
        "removed",
        "invalid",
    }
)


def discarded_by_tool(outcome: str | None, resolution: str | None) -> bool:
    """Whether an item's own outcome, else its tool resolution, says it was dropped."""
    if outcome is not None:
        return outcome == Outcome.DISCARDED
    return resolution is not None and resolution.strip().lower() in DISCARDED_RESOLUTIONS


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
    #: None: the kinds of the level (every kind but Initiative and Epic).
    kinds: tuple[WorkItemKind, ...] | None = None
    flow_types: tuple[FlowType, ...] = tuple(FlowType)
    #: None: the value stream's `flowItemLevel` when its streams agree, else
    #: DEFAULT_LEVEL when no kinds are given, ALL when they are.
    level: FlowItemLevel | None = None


@dataclass(frozen=True)
class FlowStage:
    """A stage of the scope, as the metrics need it."""

    id: str
    name: str
    order: int
    state: StageState
    value_stream: str
    #: A done stage's declared outcome (a "Won't Do" stage: discarded).
    outcome: Outcome | None = None


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
    #: Its tool resolved it as dropped (discarded_by_tool).
    discarded: bool = False


@dataclass(frozen=True)
class FlowData:
    """What the metrics are computed from.

    `history` holds the items that were somewhere other than a done stage during the
    window or moved in it, with their visits to the scope's stages entered before its
    end; `resting` counts, per done stage, the items that sat in it through the whole
    window (done before it and not reopened in it): they only add to that stage's count
    (its WIP in `stage_metrics`, its band of the CFD), so they are counted by the
    database, not loaded, and only when those are asked for
    (graph/metrics/flow_queries.py: without them, `resting` holds only the loaded ones).
    """

    window: Window
    stages: tuple[FlowStage, ...]
    history: History
    resting: Mapping[str, int] = field(default_factory=dict)
    flow_types: tuple[FlowType, ...] = tuple(FlowType)
    #: The Flow Items counted: the level applied and the kinds read (for reporting).
    level: FlowItemLevel = FlowItemLevel.ALL
    kinds: tuple[WorkItemKind, ...] = DEFAULT_KINDS

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
            [
                ItemFacts(i.id, i.kind, i.flow_type, i.team, i.blocked_by, i.discarded)
                for i in listed
            ],
            visits,
            micros(window.end),
        )
        return cls(window, tuple(stages), history, dict(resting or {}), flow_types)

    def with_resting(self, counts: Mapping[str, int]) -> FlowData:
        """This data with more resting items: those counted apart, by done stage
        (graph/metrics/flow_queries.py, `count_resting_many`)."""
        merged = Counter(self.resting)
        merged.update(counts)
        return dataclasses.replace(self, resting=dict(merged))

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
            FlowItem(
                h.ids[n],
                h.kinds[n],
                FLOW_TYPES[code],
                tuple(v),
                h.teams[n],
                h.blockers[n],
                bool(h.discarded[n]),
            )
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
class StageCount:
    """How many items of a set a stage holds (stage None: no stage of the scope)."""

    stage: str | None
    count: int


@dataclass(frozen=True)
class Discarded:
    """Items that finished in the window dropped, not delivered: how many, their share
    of all that finished, how many had been started (wasted work), and the stage each
    was in just before it was dropped."""

    count: int
    share: float | None
    started: int
    by_stage: tuple[StageCount, ...]


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
    #: Delivered in the window without ever being started: in velocity, not flow time.
    done_unstarted: int = 0
    #: Started, not done, and at `to` back in a `new` stage (or in none of the scope's):
    #: out of the load; load + this is the reading "started and not done".
    returned_to_new: int = 0
    discarded: Discarded = Discarded(0, None, 0, ())
    level: FlowItemLevel = FlowItemLevel.ALL
    kinds: tuple[WorkItemKind, ...] = DEFAULT_KINDS


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
    """The window's view of the lives: delivered and discarded items, flow times, time
    per stage, the load at the end and the done runs behind weekly velocity."""

    start: int
    end: int
    #: Per item: delivered in the window; and delivered in it having started (it has a
    #: flow time); dropped in it (done in a discarding stage, or resolved so).
    done_in: Flags
    timed: Flags
    dropped: Flags
    #: Flow times in days of the timed items, in item order, and their flow-type codes.
    flow_times: npt.NDArray[np.float64]
    flow_time_types: Ints
    #: Microseconds each stage holds of the timed items' flow times (visits clipped to
    #: [started, done]; done stages hold none: a reopened item's stay there is not flow
    #: time), and their sum: the total flow time.
    stage_time: list[int]
    total_time: int
    #: Per visit: to an active or waiting stage (the item is in the load while there).
    in_flow: Flags
    #: Per item: in the load at the window's end (in an active or waiting stage).
    in_progress_at_end: Flags
    #: Per item: started, not done and not in the load at the window's end.
    returned_at_end: Flags
    #: The done runs, and per run whether it counts as delivered.
    runs: Runs
    run_delivered: Flags

    @classmethod
    def of(cls, data: FlowData) -> _Flow:
        h, lv = data.history, data.lives
        start, end = micros(data.window.start), micros(data.window.end)
        states = [s.state for s in data.stages]
        done_stage = stage_flags(states, frozenset({StageState.DONE}))
        flow_stage = stage_flags(states, STARTED_STATES)
        discarding = np.array([s.outcome is Outcome.DISCARDED for s in data.stages], dtype=np.bool_)

        # Dropped: any stage of the item's closing done run declares it, or its tool does.
        runs = done_runs(h, done_stage, lv.end)
        dropping = np.concatenate(([0], np.cumsum(discarding[h.stage], dtype=np.int64)))
        run_dropped = dropping[runs.last + 1] - dropping[runs.first] > 0
        closing = runs.last == lv.last[runs.item]
        run_delivered = ~(run_dropped | (closing & h.discarded[runs.item]))

        is_done = lv.run_start >= 0
        item_dropped = np.zeros(len(h.ids), dtype=np.bool_)
        item_dropped[runs.item[closing]] = ~run_delivered[closing]
        done_any = is_done & (lv.done >= start) & (lv.done < end)
        dropped = done_any & item_dropped
        done_in = done_any & ~item_dropped
        has_started = lv.started != MISSING
        timed = done_in & has_started

        of_timed = timed[h.item]
        who = h.item[of_timed]
        overlap = np.maximum(
            np.minimum(lv.end[of_timed], lv.done[who])
            - np.maximum(h.entered[of_timed], lv.started[who]),
            0,
        )
        in_done = done_stage[h.stage[of_timed]]
        stage_time = np.zeros(len(data.stages), dtype=np.int64)
        np.add.at(stage_time, h.stage[of_timed], np.where(in_done, 0, overlap))
        paused = np.zeros(len(h.ids), dtype=np.int64)
        np.add.at(paused, who, np.where(in_done, overlap, 0))
        flow_us = lv.done[timed] - lv.started[timed] - paused[timed]

        in_flow = flow_stage[h.stage]
        in_progress_at_end = np.zeros(len(h.ids), dtype=np.bool_)
        has_last = lv.last >= 0
        last = lv.last[has_last]
        in_progress_at_end[has_last] = in_flow[last] & (lv.end[last] >= end)
        returned_at_end = has_started & ~is_done & ~in_progress_at_end

        return cls(
            start=start,
            end=end,
            done_in=done_in,
            timed=timed,
            dropped=dropped,
            flow_times=as_days(flow_us),
            flow_time_types=h.flow_types[timed],
            stage_time=[int(t) for t in stage_time],
            total_time=int(flow_us.sum()),
            in_flow=in_flow,
            in_progress_at_end=in_progress_at_end,
            returned_at_end=returned_at_end,
            runs=runs,
            run_delivered=run_delivered,
        )


# ---------------------------------------------------------------------------------------
# The metrics


def _weekly_velocity(window: Window, f: _Flow) -> tuple[Point, ...]:
    """Per week, the items a window of that week alone counts as delivered: done at the
    week's end with their done time in the week (a done run holding the week's end and
    begun in it). An item done in one week and reopened later counts in that week."""
    weeks = buckets(window, Interval.WEEK)
    starts, ends = _instants(weeks, ends=False), _instants(weeks, ends=True)
    r = f.runs
    began_in = (r.began >= f.start) & (r.began < f.end) & f.run_delivered
    week = np.searchsorted(starts, r.began[began_in], side="right") - 1
    held = r.ended[began_in] >= ends[week]
    per_week = np.bincount(week[held], minlength=len(weeks)).tolist()
    return tuple(Point(a, b, n) for (a, b), n in zip(weeks, per_week, strict=True))


def _discarded(data: FlowData, f: _Flow) -> Discarded:
    h, lv = data.history, data.lives
    count = int(np.count_nonzero(f.dropped))
    finished = count + int(np.count_nonzero(f.done_in))
    who = np.flatnonzero(f.dropped)
    first = lv.run_start[who]
    before = first - 1
    # The visit before the closing done run, if it is the same item's.
    has_before = (first > 0) & (h.item[np.maximum(before, 0)] == who)
    stage_codes = np.where(has_before, h.stage[np.maximum(before, 0)], -1)
    counts = np.bincount(stage_codes + 1, minlength=len(data.stages) + 1).tolist()
    by_stage = [StageCount(s.id, counts[n + 1]) for n, s in enumerate(data.stages) if counts[n + 1]]
    if counts[0]:
        by_stage.append(StageCount(None, counts[0]))
    started = int(np.count_nonzero(lv.started[who] != MISSING))
    return Discarded(count, _ratio(count, finished), started, tuple(by_stage))


def delivered(data: FlowData) -> dict[str, datetime]:
    """The loaded items delivered in the window, those velocity counts (done in it, not
    discarded), with their done times."""
    f, h, lv = data._flow, data.history, data.lives
    return {h.ids[n]: instant(int(lv.done[n])) for n in np.flatnonzero(f.done_in).tolist()}


def flow_metrics(data: FlowData) -> FlowMetrics:
    """Velocity, flow time, efficiency, load and distribution over the window, with the
    items dropped in it reported apart."""
    window, flow_types, f = data.window, data.flow_types, data._flow
    h, lv = data.history, data.lives

    active = [n for n, s in enumerate(data.stages) if s.state is StageState.ACTIVE]
    active_time = sum(f.stage_time[n] for n in active)
    efficiency = _ratio(active_time / 10**6, f.total_time / 10**6)

    days_ = buckets(window, Interval.DAY)
    ends = _instants(days_, ends=True)
    daily = counts_at(ends, h.entered[f.in_flow], lv.end[f.in_flow]).tolist()
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
        velocity_weekly=_weekly_velocity(window, f),
        flow_time=durations(f.flow_times.tolist()),
        efficiency=efficiency,
        load=int(np.count_nonzero(f.in_progress_at_end)),
        load_daily_mean=_mean(daily),
        load_daily=load_daily,
        by_flow_type=tuple(by_type),
        distribution_done=shares(per_flow_type(h.flow_types[f.done_in]), flow_types),
        distribution_load=shares(per_flow_type(h.flow_types[f.in_progress_at_end]), flow_types),
        done_unstarted=int(np.count_nonzero(f.done_in & ~f.timed)),
        returned_to_new=int(np.count_nonzero(f.returned_at_end)),
        discarded=_discarded(data, f),
        level=data.level,
        kinds=data.kinds,
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
    """Items in the load at the window's end (in an active or waiting stage), oldest
    first, flagged when older than the p85 flow time of the items delivered in the
    window."""
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
