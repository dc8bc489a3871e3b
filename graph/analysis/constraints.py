"""The constraint (bottleneck) of a value stream over a window (DESIGN.md §5).

Stages are ranked as **work stations**: an active stage together with the waiting
stage(s) right in front of it, its queue. Work piles up in the queue of a stage that
cannot keep up, so the time queued there is that stage's, not the queue's own problem;
ranking a waiting stage alone would name the symptom, not the constraint. A waiting stage
with no active stage after it (e.g. Ready to Release) is a station of its own (work
waiting for something outside the stream, such as a deployment window). `new` and `done`
stages are not ranked: time there is not flow time.

Each station's evidence, from the flow metrics of graph/metrics/flow.py over the window:

- **share**: its stages' share of the total flow time of the items done in the window;
- **growth**: Σ arrivals - Σ departures over its stages (transfers from queue to stage
  cancel out, so this is what entered the station minus what left it);
- **wip**: items in its stages at the window's end;
- **time**: median days in its queue + median days in the stage (of visits that left).

**Ranking rule.** Each figure is normalised by the largest value among the stations
(growth counted from 0: a shrinking queue scores 0), then combined as
`score = 0.4·share + 0.2·growth + 0.2·wip + 0.2·time`; the highest score is the
constraint, ties going to the earlier stage. Normalised values rather than ranks: the
constraint stands out by magnitude (most of the flow time against a few percent), and an
average of ranks lets small, noisy differences in queue growth outvote that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph.metrics.flow import FlowStage, StageMetrics, Window
from graph.model import StageState

#: Weights of the normalised figures in a station's score (they sum to 1).
WEIGHTS = {"share": 0.4, "growth": 0.2, "wip": 0.2, "time": 0.2}


@dataclass(frozen=True)
class StationRank:
    """One station of a value stream ranked as a candidate constraint, with its evidence."""

    stage: FlowStage
    queue: tuple[FlowStage, ...]
    flow_time_share: float
    queue_growth: int
    wip: int
    time_in_stage: float | None
    score: float
    reason: str


@dataclass(frozen=True)
class Constraints:
    """The stations of a value stream over a window, the constraint first."""

    value_stream: str
    window: Window
    ranking: tuple[StationRank, ...]

    @property
    def constraint(self) -> StationRank | None:
        """The top-ranked station, or None when the value stream has none."""
        return self.ranking[0] if self.ranking else None


@dataclass(frozen=True)
class _Station:
    stage: StageMetrics
    queue: tuple[StageMetrics, ...]

    @property
    def parts(self) -> tuple[StageMetrics, ...]:
        return (*self.queue, self.stage)


def stations(
    metrics: Sequence[StageMetrics],
) -> list[tuple[StageMetrics, tuple[StageMetrics, ...]]]:
    """Group per-stage metrics (in stage order) into (stage, its queue) stations."""
    ordered = sorted(metrics, key=lambda m: (m.stage.order, m.stage.id))
    out: list[tuple[StageMetrics, tuple[StageMetrics, ...]]] = []
    waiting: list[StageMetrics] = []
    for m in ordered:
        state = m.stage.state
        if state is StageState.WAITING:
            waiting.append(m)
        elif state is StageState.ACTIVE:
            out.append((m, tuple(waiting)))
            waiting = []
        else:
            # A queue that leads to no active stage is a station of its own.
            out += [(w, ()) for w in waiting]
            waiting = []
    out += [(w, ()) for w in waiting]
    return out


def _median_sum(parts: Sequence[StageMetrics]) -> float | None:
    medians = [p.time_in_stage.median for p in parts if p.time_in_stage.median is not None]
    return sum(medians) if medians else None


def _norm(value: float, largest: float) -> float:
    return value / largest if largest > 0 else 0.0


def _reason(stage: FlowStage, queue: Sequence[FlowStage], figures: dict[str, float]) -> str:
    where = stage.name + (f" (queue: {', '.join(q.name for q in queue)})" if queue else "")
    growth = int(figures["growth"])
    grew = f"queue grew by {growth}" if growth > 0 else f"queue shrank by {-growth}"
    if growth == 0:
        grew = "queue steady"
    time = figures["time"]
    median = f", median {time:.1f} days in stage" if time >= 0 else ""
    return (
        f"{where}: {figures['share']:.0%} of flow time, {grew}, {int(figures['wip'])} items "
        f"in it now{median}"
    )


def rank_stations(metrics: Sequence[StageMetrics]) -> tuple[StationRank, ...]:
    """Rank a value stream's stations by the score of the module docstring, highest first."""
    groups = [_Station(stage, queue) for stage, queue in stations(metrics)]
    raw = []
    for g in groups:
        time = _median_sum(g.parts)
        raw.append(
            {
                "share": sum(p.flow_time_share or 0.0 for p in g.parts),
                "growth": float(sum(p.arrivals - p.departures for p in g.parts)),
                "wip": float(sum(p.wip for p in g.parts)),
                "time": -1.0 if time is None else time,
            }
        )
    largest = {k: max((max(r[k], 0.0) for r in raw), default=0.0) for k in WEIGHTS}
    ranked = []
    for g, r in zip(groups, raw, strict=True):
        score = sum(w * _norm(max(r[k], 0.0), largest[k]) for k, w in WEIGHTS.items())
        ranked.append(
            StationRank(
                stage=g.stage.stage,
                queue=tuple(q.stage for q in g.queue),
                flow_time_share=r["share"],
                queue_growth=int(r["growth"]),
                wip=int(r["wip"]),
                time_in_stage=None if r["time"] < 0 else r["time"],
                score=round(score, 6),
                reason=_reason(g.stage.stage, [q.stage for q in g.queue], r),
            )
        )
    ranked.sort(key=lambda s: (-s.score, s.stage.order, s.stage.id))
    return tuple(ranked)
