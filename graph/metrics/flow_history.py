"""A scope's stage visits as columns, and what every flow metric reads from them.

The flow metrics of a large value stream read hundreds of thousands of stage visits: as
one Python object per visit that costs seconds, as numpy arrays milliseconds. `History`
holds the visits as columns; `lives` derives once what all metrics share: each visit's
effective end, and each item's started and done times (graph/metrics/flow.py states the rules).

Times are integer microseconds since the Unix epoch, UTC: exact for every datetime.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from graph.model import FlowType, WorkItemKind

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]

#: The end of an open visit: it never ends.
NEVER = int(np.iinfo(np.int64).max)
#: No such time: the item never started, or is not done.
MISSING = int(np.iinfo(np.int64).min)
FLOW_TYPES: tuple[FlowType, ...] = tuple(FlowType)
_FLOW_TYPE_CODE = {t: n for n, t in enumerate(FLOW_TYPES)}


def as_days(us: Ints) -> npt.NDArray[np.float64]:
    """Durations in microseconds as days: the same floats as
    `timedelta.total_seconds() / 86400` (both divisions are correctly rounded)."""
    return us.astype(np.float64) / 1e6 / 86400.0


def counts_at(instants: Ints, starts: Ints, ends: Ints) -> Ints:
    """How many of the intervals `(start, end]` hold each of the sorted instants (an
    interval that ends before it starts holds none)."""
    kept = ends > starts
    began = np.searchsorted(np.sort(starts[kept]), instants, side="left")
    ended = np.searchsorted(np.sort(ends[kept]), instants, side="left")
    return (began - ended).astype(np.int64)


class ItemFacts(NamedTuple):
    """What is known of a loaded item besides its visits."""

    id: str
    kind: WorkItemKind
    flow_type: FlowType
    #: The team that OWNS it (the smallest id if several do), None if none does.
    team: str | None = None
    #: The items it is BLOCKED_BY.
    blocked_by: tuple[str, ...] = ()
    #: Its tool says it was dropped (resolution Won't Do, Duplicate...: docs/metrics.md).
    discarded: bool = False


@dataclass(frozen=True, eq=False)
class History:
    """The loaded items and their visits to the scope's stages, entered before the
    window's end, as columns.

    Items are sorted by id. Visits are sorted by item, then entry, then stage id (of two
    visits entered at the same instant, the one to the smaller stage id reads as first).
    """

    ids: tuple[str, ...]
    kinds: tuple[WorkItemKind, ...]
    #: Per item: index into FLOW_TYPES.
    flow_types: Ints
    #: Per item: its owner team, and the items it is blocked by (ItemFacts).
    teams: tuple[str | None, ...]
    blockers: tuple[tuple[str, ...], ...]
    #: Per item: its tool resolved it as discarded (ItemFacts.discarded).
    discarded: Flags
    #: Per visit: index into `ids`.
    item: Ints
    #: Per visit: index into the scope's stages.
    stage: Ints
    #: Per visit: when it began.
    entered: Ints
    #: Per visit: when it ended as recorded, NEVER while open.
    exited: Ints

    @classmethod
    def build(
        cls,
        stage_ids: Sequence[str],
        items: Sequence[ItemFacts],
        visits: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
        end: int,
    ) -> History:
        """Columns from items and visits `(item index, stage index, entered, exited or
        NEVER)`, keeping the visits entered before `end`."""
        order = sorted(range(len(items)), key=lambda n: items[n].id)
        new_index = np.empty(len(items), dtype=np.int64)
        new_index[order] = np.arange(len(items), dtype=np.int64)
        visit_item, stage, entered, exited = (np.asarray(c, dtype=np.int64) for c in visits)
        if len(stage) and (stage.min() < 0 or stage.max() >= len(stage_ids)):
            raise ValueError("a visit names a stage outside the scope")
        kept = entered < end
        visit_item, stage = new_index[visit_item[kept]], stage[kept]
        entered, exited = entered[kept], exited[kept]
        rank = np.empty(len(stage_ids), dtype=np.int64)
        rank[sorted(range(len(stage_ids)), key=stage_ids.__getitem__)] = np.arange(len(stage_ids))
        sort = np.lexsort((rank[stage], entered, visit_item))
        ordered = [items[n] for n in order]
        return cls(
            ids=tuple(i.id for i in ordered),
            kinds=tuple(i.kind for i in ordered),
            flow_types=np.array([_FLOW_TYPE_CODE[i.flow_type] for i in ordered], dtype=np.int64),
            teams=tuple(i.team for i in ordered),
            blockers=tuple(i.blocked_by for i in ordered),
            discarded=np.array([i.discarded for i in ordered], dtype=np.bool_),
            item=visit_item[sort],
            stage=stage[sort],
            entered=entered[sort],
            exited=exited[sort],
        )

    def subset(self, keep: Flags) -> History:
        """The same history with only the items flagged in `keep` (per item)."""
        chosen = np.flatnonzero(keep).tolist()
        new_index = np.full(len(self.ids), -1, dtype=np.int64)
        new_index[chosen] = np.arange(len(chosen), dtype=np.int64)
        visits = keep[self.item]
        return History(
            ids=tuple(self.ids[n] for n in chosen),
            kinds=tuple(self.kinds[n] for n in chosen),
            flow_types=self.flow_types[chosen],
            teams=tuple(self.teams[n] for n in chosen),
            blockers=tuple(self.blockers[n] for n in chosen),
            discarded=self.discarded[chosen],
            item=new_index[self.item[visits]],
            stage=self.stage[visits],
            entered=self.entered[visits],
            exited=self.exited[visits],
        )


@dataclass(frozen=True, eq=False)
class Lives:
    """What the metrics read from every item's visits, as of the window's end."""

    #: Per visit: its effective end, the earlier of its exit and the next visit's entry.
    end: Ints
    #: Per item: the first entry into an active or waiting stage, or MISSING.
    started: Ints
    #: Per item: when it became done, or MISSING if it is not done at the window's end.
    done: Ints
    #: Per item: the index of its last visit, or -1 if it has none.
    last: Ints
    #: Per item: the index of the first visit of the done-stage run that ends its
    #: history when it is done at the window's end, else -1.
    run_start: Ints


def lives(history: History, started_stage: Flags, done_stage: Flags, window_end: int) -> Lives:
    """Read every item's visits: effective ends, started and done times.

    An item is done at `window_end` when its latest visit is to a done stage and has
    not ended before it; it became done when it entered the first of the done-stage
    visits that end its history (a reopened item is done again only later).
    """
    h = history
    count, items = len(h.entered), len(h.ids)
    end = h.exited.copy()
    if count > 1:
        same_item = h.item[1:] == h.item[:-1]
        end[:-1] = np.where(same_item, np.minimum(end[:-1], h.entered[1:]), end[:-1])

    started = np.full(items, MISSING, dtype=np.int64)
    starting = np.flatnonzero(started_stage[h.stage])
    if len(starting):
        who, first = np.unique(h.item[starting], return_index=True)
        started[who] = h.entered[starting[first]]

    last = np.full(items, -1, dtype=np.int64)
    first_visit = np.full(items, -1, dtype=np.int64)
    done = np.full(items, MISSING, dtype=np.int64)
    run_first = np.full(items, -1, dtype=np.int64)
    if count:
        boundary = np.flatnonzero(h.item[1:] != h.item[:-1])
        last[h.item[np.append(boundary, count - 1)]] = np.append(boundary, count - 1)
        first_visit[h.item[np.append(0, boundary + 1)]] = np.append(0, boundary + 1)
        in_done = done_stage[h.stage]
        # For each visit, the latest visit up to it (of any item) to a stage not done.
        latest_not_done = np.maximum.accumulate(np.where(in_done, -1, np.arange(count)))
        has = np.flatnonzero(last >= 0)
        final = last[has]
        is_done = in_done[final] & (end[final] >= window_end)
        # The trailing run of done-stage visits starts after the item's latest other visit.
        run_start = np.maximum(latest_not_done[final], first_visit[has] - 1) + 1
        done[has[is_done]] = h.entered[run_start[is_done]]
        run_first[has[is_done]] = run_start[is_done]
    return Lives(end=end, started=started, done=done, last=last, run_start=run_first)


@dataclass(frozen=True, eq=False)
class Runs:
    """Every stretch of consecutive done-stage visits of an item (a "done run"): the item
    was done from the run's first entry until the end of its last visit."""

    #: Per run: its item, its first and last visit (indexes), when it began and ended
    #: (NEVER while the item is still there).
    item: Ints
    first: Ints
    last: Ints
    began: Ints
    ended: Ints


def done_runs(history: History, done_stage: Flags, end: Ints) -> Runs:
    """The done runs of every item, in visit order (`end`: each visit's effective end)."""
    h = history
    in_done = done_stage[h.stage]
    count = len(in_done)
    if not count:
        empty = np.zeros(0, dtype=np.int64)
        return Runs(empty, empty, empty, empty, empty)
    same_prev = np.zeros(count, dtype=np.bool_)
    same_prev[1:] = h.item[1:] == h.item[:-1]
    same_next = np.zeros(count, dtype=np.bool_)
    same_next[:-1] = same_prev[1:]
    prev_done = np.zeros(count, dtype=np.bool_)
    prev_done[1:] = in_done[:-1]
    next_done = np.zeros(count, dtype=np.bool_)
    next_done[:-1] = in_done[1:]
    first = np.flatnonzero(in_done & ~(same_prev & prev_done))
    last = np.flatnonzero(in_done & ~(same_next & next_done))
    return Runs(h.item[first], first, last, h.entered[first], end[last])


def stage_flags(states: Sequence[object], wanted: frozenset[object]) -> Flags:
    """Per stage index, whether its state is one of `wanted`."""
    return np.array([s in wanted for s in states], dtype=np.bool_)


def per_flow_type(codes: Ints) -> Mapping[FlowType, int]:
    """How many of the given flow-type codes each flow type has."""
    counts = np.bincount(codes, minlength=len(FLOW_TYPES))
    return {t: int(counts[n]) for n, t in enumerate(FLOW_TYPES)}
