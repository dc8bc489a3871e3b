"""A work item's state history: the facts as they came, and the stage visits they give.

A state change is a fact: at some instant an item entered a tool state (a Jira status)
or a stage, or (from an imported `IN_STAGE` with an `exitedAt`) left a stage. Ingest
stores every fact of an item in its `stateLog` property, and derives the item's visits
(`IN_STAGE`), `currentStage` and `lastMovedAt` from the *whole* log every time any fact
of it arrives, so the same facts give the same visits whatever their order, batching,
re-delivery or channel (docs/ingest.md, "State history").

A log entry is one string, `<at>\\t<kind>\\t<value>`, with `at` in UTC at microsecond
precision and a four-digit year: entries sort by time as plain strings, and a log is a
sorted list without duplicates, so merging two logs is a set union.

Examples:

>>> from datetime import UTC, datetime
>>> fact = Fact(datetime(2025, 3, 2, 9, tzinfo=UTC), FactKind.STATE, "In Progress")
>>> fact.encode()
'2025-03-02T09:00:00.000000Z\\tstate\\tIn Progress'
>>> Fact.decode(fact.encode()) == fact
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from itertools import groupby

#: The work-item property holding its state history (a list of encoded facts).
STATE_LOG = "stateLog"


class FactKind(StrEnum):
    """What a fact says happened to a work item."""

    STATE = "state"  #: entered a tool state, mapped to a stage when derived
    ASSUMED = "assumed"  #: a tool state the sender only assumes the item was in then
    STAGE = "stage"  #: entered a stage, given by id
    EXIT = "exit"  #: left a stage (by id), to none that is known


@dataclass(frozen=True, order=True)
class Fact:
    """One state change of a work item, as it came from its source."""

    at: datetime
    kind: FactKind
    value: str

    def encode(self) -> str:
        """The fact as a `stateLog` entry."""
        naive = self.at.astimezone(UTC).replace(tzinfo=None)
        return f"{naive.isoformat(timespec='microseconds')}Z\t{self.kind}\t{self.value}"

    @classmethod
    def decode(cls, entry: str) -> Fact:
        """A `stateLog` entry as a fact."""
        at, kind, value = entry.split("\t", 2)
        return cls(datetime.fromisoformat(at[:-1]).replace(tzinfo=UTC), FactKind(kind), value)


def as_record(item: str, entry: str) -> dict[str, object]:
    """A log entry as the state record that gives it back (`vsg dump`, docs/ingest.md).

    >>> record = as_record("PAY-1", "2025-03-02T09:00:00.000000Z\\texit\\tpay-dev")
    >>> record["stage"], record["left"], record["at"]
    ('pay-dev', True, '2025-03-02T09:00:00+00:00')
    """
    fact = Fact.decode(entry)
    record: dict[str, object] = {"record": "state", "item": item, "at": fact.at.isoformat()}
    if fact.kind in (FactKind.STATE, FactKind.ASSUMED):
        record["state"] = fact.value
        if fact.kind is FactKind.ASSUMED:
            record["assumed"] = True
    else:
        record["stage"] = fact.value
        if fact.kind is FactKind.EXIT:
            record["left"] = True
    return record


def merge_log(stored: Iterable[str], facts: Iterable[Fact]) -> list[str]:
    """The log with `facts` added: sorted, each entry once (a re-sent fact is no change)."""
    return sorted({*stored, *(fact.encode() for fact in facts)})


@dataclass(frozen=True)
class Visit:
    """A stay of an item in a stage; `exited_at` None while it is still there."""

    item: str
    stage: str
    entered_at: datetime
    exited_at: datetime | None


@dataclass(frozen=True)
class Derived:
    """What an item's log gives: its visits (oldest first) and where it is now."""

    visits: tuple[Visit, ...]
    current_stage: str | None
    last_moved_at: datetime | None
    #: Facts naming a tool state or stage that no stage of the item's stream maps (yet).
    unmapped: int


#: A fact's stage, or None if no stage maps it (an unknown stage, an unmapped state).
Resolve = Callable[[Fact], str | None]


def derive(item: str, log: Iterable[str], resolve: Resolve, order: Mapping[str, int]) -> Derived:
    """The visits of `item` from its whole log.

    Rules, applied instant by instant in time order:

    - a fact whose state or stage maps to no stage is skipped (and counted as unmapped);
    - an exit closes the open visit if it is to that stage (exits of an instant are
      applied before its entries);
    - an entry opens a visit, closing the open one, unless the item is already in that
      stage: moving between two tool states of one stage is no new visit;
    - several entries at one instant: the stage furthest along the stream (`order`,
      then id) is the one entered, whatever order the facts came in;
    - an assumed entry counts only where no known entry is at the same instant; of
      several assumed ones, the earliest stage of the stream is taken.
    """
    events: list[tuple[datetime, bool, bool, str]] = []  # (at, is_entry, is_assumed, stage)
    unmapped = 0
    for fact in map(Fact.decode, log):
        stage = resolve(fact)
        if stage is None:
            unmapped += 1
        else:
            kind = fact.kind
            events.append((fact.at, kind is not FactKind.EXIT, kind is FactKind.ASSUMED, stage))
    events.sort()

    visits: list[Visit] = []
    open_stage: str | None = None
    entered: datetime | None = None
    moved: datetime | None = None
    for at, group in groupby(events, key=lambda e: e[0]):
        instant = list(group)
        exits = {stage for _, is_entry, _, stage in instant if not is_entry}
        known = [stage for _, is_entry, assumed, stage in instant if is_entry and not assumed]
        assumed = [stage for _, is_entry, assumed, stage in instant if is_entry and assumed]
        if open_stage is not None and open_stage in exits:
            assert entered is not None
            visits.append(Visit(item, open_stage, entered, at))
            open_stage, moved = None, at
        if known:
            stage = max(known, key=lambda s: (order.get(s, 0), s))
        elif assumed:
            # Guesses of where an item started: the earliest stage is the likeliest.
            stage = min(assumed, key=lambda s: (order.get(s, 0), s))
        else:
            continue
        if stage == open_stage:
            continue
        if open_stage is not None:
            assert entered is not None
            visits.append(Visit(item, open_stage, entered, at))
        open_stage, entered, moved = stage, at, at
    if open_stage is not None:
        assert entered is not None
        visits.append(Visit(item, open_stage, entered, None))
    return Derived(tuple(visits), open_stage, moved, unmapped)
