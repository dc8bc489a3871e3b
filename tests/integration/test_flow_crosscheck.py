"""Cross-check: flow metrics through the database agree with a plain recomputation.

For several seeds the demo organisation is generated, ingested, and the flow metrics of
every value stream are computed through graph/metrics/flow_queries.py +
graph/metrics/flow.py. The test recomputes them here from the raw demo records (stage
nodes, HAS_STAGE links, state records) with a separate, deliberately naive
implementation: it asks, instant by instant, where each item is, scanning its visits,
and uses `statistics` for the percentiles. Both must agree on every number.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from graph import demo
from graph.db.store import GraphStore
from graph.ingest.records import NodeRecord, Record, RelationshipRecord, StateRecord
from graph.ingest.service import ingest
from graph.metrics.flow import (
    DEFAULT_KINDS,
    FlowQuery,
    Interval,
    ScopeKind,
    Window,
    aging_wip,
    buckets,
    cfd,
    flow_metrics,
    stage_metrics,
)
from graph.metrics.flow_queries import load_flow_data
from graph.model import Label, RelType

pytestmark = pytest.mark.db

UNTIL = datetime(2025, 6, 1, tzinfo=UTC)
SEEDS = (3, 11, 29)
DAY = 86400.0


@dataclass
class Raw:
    """What the demo's records say, read naively."""

    state: dict[str, str]  # stage -> new|active|waiting|done
    streams: dict[str, list[str]]  # value stream -> stages
    kind: dict[str, str]  # item -> kind label
    flow_type: dict[str, str]  # item -> flow type
    moves: dict[str, list[tuple[datetime, str]]]  # item -> (when, stage), in time order
    parents: dict[str, set[str]]  # item -> kinds of its PARENT_OF parents
    dropping: set[str]  # stages declared `outcome: discarded`


def read(records: list[Record]) -> Raw:
    raw = Raw({}, defaultdict(list), {}, {}, {}, defaultdict(set), set())
    kinds = {r.id: r.kind.value for r in records if isinstance(r, NodeRecord) and r.kind}
    by_item: dict[str, dict[datetime, str]] = defaultdict(dict)
    for r in records:
        if isinstance(r, NodeRecord) and r.label is Label.STAGE:
            raw.state[r.id] = r.properties["state"]
            if r.properties.get("outcome") == "discarded":
                raw.dropping.add(r.id)
        elif isinstance(r, NodeRecord) and r.kind is not None:
            raw.kind[r.id] = r.kind.value
            raw.flow_type[r.id] = r.properties["flowType"]
        elif isinstance(r, RelationshipRecord) and r.type is RelType.HAS_STAGE:
            raw.streams[r.start.id].append(r.end.id)
        elif isinstance(r, RelationshipRecord) and r.type is RelType.PARENT_OF:
            raw.parents[r.end.id].add(kinds[r.start.id])
        elif isinstance(r, StateRecord):
            assert r.stage is not None
            by_item[r.item][r.at] = r.stage
    for item, moves in by_item.items():
        ordered = sorted(moves.items())
        raw.moves[item] = [m for n, m in enumerate(ordered) if n == 0 or m[1] != ordered[n - 1][1]]
    return raw


class Naive:
    """Flow metrics of one value stream over one window, by brute force."""

    def __init__(self, raw: Raw, stream: str, start: datetime, end: datetime) -> None:
        self.raw, self.start, self.end = raw, start, end
        stages = set(raw.streams[stream])
        wanted = {k.value for k in DEFAULT_KINDS}
        # The value level: a Story whose parent is a Feature is part of that Feature.
        self.items = {
            i: [m for m in moves if m[0] < end]  # as of the window's end
            for i, moves in raw.moves.items()
            if raw.kind[i] in wanted
            and moves[0][1] in stages
            and not (raw.kind[i] == "Story" and "Feature" in raw.parents[i])
        }

    def where(self, item: str, t: datetime) -> str | None:
        """The stage the item is in at t: the last move strictly before t."""
        before = [stage for when, stage in self.items[item] if when < t]
        return before[-1] if before else None

    def started(self, item: str, t: datetime) -> datetime | None:
        return min(
            (
                w
                for w, s in self.items[item]
                if w < t and self.raw.state[s] in ("active", "waiting")
            ),
            default=None,
        )

    def done(self, item: str, t: datetime) -> datetime | None:
        moves = [m for m in self.items[item] if m[0] < t]
        if not moves or self.raw.state[moves[-1][1]] != "done":
            return None
        n = len(moves) - 1
        while n > 0 and self.raw.state[moves[n - 1][1]] == "done":
            n -= 1
        return moves[n][0]

    def in_progress(self, item: str, t: datetime) -> bool:
        """Kersten's load: in an active or waiting stage at t."""
        stage = self.where(item, t)
        return stage is not None and self.raw.state[stage] in ("active", "waiting")

    def dropped(self, item: str, t: datetime) -> bool:
        """Done at t in a run of done stages one of which declares it discarded."""
        moves = [m for m in self.items[item] if m[0] < t]
        run = []
        for _, stage in reversed(moves):
            if self.raw.state[stage] != "done":
                break
            run.append(stage)
        return any(stage in self.raw.dropping for stage in run)

    def delivered_in(self, a: datetime, b: datetime) -> list[str]:
        return [
            i
            for i in self.items
            if (d := self.done(i, b)) and a <= d < b and not self.dropped(i, b)
        ]

    def done_in_window(self) -> list[str]:
        return self.delivered_in(self.start, self.end)

    def flow_times(self) -> list[float]:
        out = []
        for i in self.done_in_window():
            started, done = self.started(i, self.end), self.done(i, self.end)
            if started is not None and done is not None:
                seconds = (done - started).total_seconds()
                seconds -= sum(t for s, t in self.time_in(i, all=True).items() if self.is_done(s))
                out.append(seconds / DAY)
        return out

    def is_done(self, stage: str) -> bool:
        return self.raw.state[stage] == "done"

    def time_in(self, item: str, all: bool = False) -> dict[str, float]:
        """Seconds per stage between started and done of a done item (done stages hold
        none of its flow time unless `all`)."""
        started, done = self.started(item, self.end), self.done(item, self.end)
        assert started is not None and done is not None
        out: dict[str, float] = defaultdict(float)
        moves = self.items[item]
        for n, (entered, stage) in enumerate(moves):
            left = moves[n + 1][0] if n + 1 < len(moves) else self.end
            overlap = (min(left, done) - max(entered, started)).total_seconds()
            out[stage] += max(0.0, overlap) if all or not self.is_done(stage) else 0.0
        return out


def quantiles(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    if len(values) == 1:
        return values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[84]


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b))
    )


async def check_stream(store: GraphStore, raw: Raw, stream: str, window: Window) -> int:
    """Compare every flow metric of one stream and window; return its velocity."""
    naive = Naive(raw, stream, window.start, window.end)
    data = await load_flow_data(store, FlowQuery(ScopeKind.VALUE_STREAM, stream, window))
    m = flow_metrics(data)

    done = naive.done_in_window()
    assert m.velocity == len(done)
    times = naive.flow_times()
    median, p85 = quantiles(times)
    assert close(m.flow_time.median, median)
    assert close(m.flow_time.p85, p85)
    assert close(m.flow_time.mean, statistics.fmean(times) if times else None)

    started_done = [i for i in done if naive.started(i, window.end)]
    spent: dict[str, float] = defaultdict(float)
    for i in started_done:
        for stage, seconds in naive.time_in(i).items():
            spent[stage] += seconds
    total = sum(times) * DAY
    assert [p.count for p in m.velocity_weekly] == [
        len(naive.delivered_in(a, b)) for a, b in buckets(window, Interval.WEEK)
    ]
    active = sum(s for stage, s in spent.items() if raw.state[stage] == "active")
    assert close(m.efficiency, active / total if total else None)

    day_ends = [b for _, b in buckets(window, Interval.DAY)]
    load = [sum(naive.in_progress(i, t) for i in naive.items) for t in day_ends]
    assert [p.count for p in m.load_daily] == load
    assert m.load == load[-1]
    by_type: dict[str, int] = defaultdict(int)
    for i in done:
        by_type[raw.flow_type[i]] += 1
    assert {s.flow_type.value: s.count for s in m.distribution_done if s.count} == by_type

    stages = {s.stage.id: s for s in stage_metrics(data)}
    assert set(stages) == set(raw.streams[stream])
    for stage, got in stages.items():
        assert got.wip == sum(naive.where(i, window.end) == stage for i in naive.items), stage
        entered = [
            (w, i, n)
            for i, moves in naive.items.items()
            for n, (w, s) in enumerate(moves)
            if s == stage
        ]
        assert got.arrivals == sum(window.start <= w < window.end for w, _, _ in entered)
        stays = []
        for w, i, n in entered:
            moves = naive.items[i]
            if n + 1 < len(moves) and window.start <= moves[n + 1][0] < window.end:
                stays.append((moves[n + 1][0] - w).total_seconds() / DAY)
        assert got.departures == len(stays), stage
        assert close(got.time_in_stage.median, quantiles(stays)[0])
        assert close(got.time_in_stage.p85, quantiles(stays)[1])
        assert close(got.flow_time_share, spent.get(stage, 0.0) / total if total else None)

    for interval in Interval:
        for point in cfd(data, interval).points:
            for stage, count in point.counts.items():
                expected = sum(naive.where(i, point.end) == stage for i in naive.items)
                assert count == expected, (interval, point.end, stage)

    aging = aging_wip(data)
    expected_aging = sorted(
        (
            -(window.end - s).total_seconds() / DAY,
            i,
        )
        for i in naive.items
        if naive.in_progress(i, window.end) and (s := naive.started(i, window.end))
    )
    assert [a.id for a in aging.items] == [i for _, i in expected_aging]
    assert [a.age for a in aging.items] == pytest.approx([-age for age, _ in expected_aging])
    flags = {a.id: a.past_p85 for a in aging.items}
    assert flags == {i: (-age > p85 if p85 is not None else None) for age, i in expected_aging}
    return m.velocity


@pytest.mark.parametrize("seed", SEEDS)
async def test_flow_metrics_agree_with_a_plain_recomputation(store: GraphStore, seed: int) -> None:
    records, truth = demo.generate(demo.DemoConfig(work_items=600, seed=seed, until=UNTIL))
    kept = list(records)
    await ingest(store, kept)
    raw = read(kept)
    windows = [
        Window.of(None, None, UNTIL),  # the default: the last 90 days
        # odd edges: mid-day, mid-week, in the middle of the history
        Window(UNTIL - timedelta(days=200, hours=-7), UNTIL - timedelta(days=150, minutes=13)),
    ]
    velocity = [
        await check_stream(store, raw, stream, window)
        for stream in truth.value_streams
        for window in windows
    ]
    # not a comparison of empty answers: every stream delivered in some window.
    assert len(truth.value_streams) >= 4
    assert all(a + b > 0 for a, b in zip(velocity[::2], velocity[1::2], strict=True))
