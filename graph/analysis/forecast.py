"""Monte Carlo delivery forecasts over daily throughput samples (DESIGN.md §5).

The samples are the numbers of items done on each UTC day of a recent history (8 weeks
by default) of a value stream, a team or the children of an epic or initiative. A trial
replays the future as days drawn at random, with replacement, from those samples; many
trials (10,000 by default) give a distribution, read at p50, p85 and p95:

- **When will N items be done?** Per trial, the number of days until the drawn days add
  up to N. `p85` is the date by which 85% of trials were done: an 85% chance of finishing
  by then (the 85th percentile of the simulated days).
- **How many items by a date?** Per trial, the sum of the days up to that date. `p85` is
  the count that 85% of trials reached *at least*: an 85% chance of at least that many
  (the 15th percentile of the simulated counts). Higher confidence means fewer items.

Percentiles are nearest-rank on the sorted trials, so every figure is a value some trial
produced. Trials are seeded (`random.Random(seed)`): the same samples, question and seed
give the same answer. Pure: nothing here touches the database.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from graph.errors import InvalidArgument

DAY = timedelta(days=1)
DEFAULT_TRIALS = 10_000
DEFAULT_HISTORY_DAYS = 56
DEFAULT_SEED = 1
#: A "when" trial that has not finished after this many days counts as never finishing.
HORIZON_DAYS = 3650
CONFIDENCES = (0.5, 0.85, 0.95)


def start_of_day(at: datetime) -> datetime:
    """00:00 UTC of the day holding `at`."""
    return at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def daily_throughput(done: Iterable[datetime], start: datetime, days: int) -> tuple[int, ...]:
    """How many of the `done` instants fall on each of the `days` days from `start`.

    Examples:
        >>> start = datetime(2026, 1, 1, tzinfo=UTC)
        >>> done = [start + timedelta(hours=h) for h in (1, 5, 30, 80)]
        >>> daily_throughput(done, start, 3)
        (2, 1, 0)
    """
    counts = [0] * days
    for at in done:
        n = math.floor((at - start) / DAY)
        if 0 <= n < days:
            counts[n] += 1
    return tuple(counts)


@dataclass(frozen=True)
class WhenForecast:
    """When `items` items will be done, from `start`: a date per confidence, None when
    fewer than that share of trials finished within HORIZON_DAYS."""

    items: int
    start: datetime
    trials: int
    p50: datetime | None
    p85: datetime | None
    p95: datetime | None


@dataclass(frozen=True)
class HowManyForecast:
    """How many items will be done from `start` to `by` (`days` whole days): the count
    reached at least, per confidence."""

    start: datetime
    by: datetime
    days: int
    trials: int
    p50: int
    p85: int
    p95: int


def _check(samples: Sequence[int], trials: int) -> None:
    if not samples:
        raise InvalidArgument("no throughput samples: give a history of at least one day")
    if any(s < 0 for s in samples):
        raise InvalidArgument("throughput samples cannot be negative")
    if trials < 1:
        raise InvalidArgument(f"trials must be at least 1, got {trials}")


def _rank_at_most(sorted_values: Sequence[int], confidence: float) -> int:
    """The smallest value that `confidence` of the trials are at or below."""
    return sorted_values[math.ceil(confidence * len(sorted_values)) - 1]


def _rank_at_least(sorted_values: Sequence[int], confidence: float) -> int:
    """The largest value that `confidence` of the trials are at or above."""
    return sorted_values[len(sorted_values) - math.ceil(confidence * len(sorted_values))]


def simulate_days(samples: Sequence[int], items: int, trials: int, seed: int) -> list[int]:
    """Per trial, the days needed to finish `items` (HORIZON_DAYS + 1 if never), sorted."""
    if items <= 0:
        return [0] * trials
    if not any(samples):
        return [HORIZON_DAYS + 1] * trials
    rng = random.Random(seed)
    mean = sum(samples) / len(samples)
    # Days drawn per step: enough for most trials to finish in one; the rest draw more.
    chunk = min(HORIZON_DAYS, math.ceil(1.5 * items / mean) + 7)
    out = []
    for _ in range(trials):
        done, days = 0, 0
        while days <= HORIZON_DAYS:
            totals = list(itertools.accumulate(rng.choices(samples, k=chunk), initial=done))
            n = bisect.bisect_left(totals, items)
            if n < len(totals):
                days += n
                break
            done, days = totals[-1], days + chunk
        out.append(min(days, HORIZON_DAYS + 1))
    out.sort()
    return out


def simulate_counts(samples: Sequence[int], days: int, trials: int, seed: int) -> list[int]:
    """Per trial, the items done in `days` days, sorted."""
    rng = random.Random(seed)
    if days <= 0:
        return [0] * trials
    return sorted(sum(rng.choices(samples, k=days)) for _ in range(trials))


def forecast_when(
    samples: Sequence[int],
    items: int,
    start: datetime,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> WhenForecast:
    """When `items` more items will be done, counting whole days from `start`."""
    _check(samples, trials)
    if items < 0:
        raise InvalidArgument(f"items must be at least 0, got {items}")
    days = simulate_days(samples, items, trials, seed)

    def date(confidence: float) -> datetime | None:
        n = _rank_at_most(days, confidence)
        return None if n > HORIZON_DAYS else start + n * DAY

    p50, p85, p95 = (date(c) for c in CONFIDENCES)
    return WhenForecast(items, start, trials, p50, p85, p95)


def forecast_how_many(
    samples: Sequence[int],
    start: datetime,
    by: datetime,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> HowManyForecast:
    """How many items will be done in the whole days from `start` up to `by`."""
    _check(samples, trials)
    if by < start:
        raise InvalidArgument("the date must not be before the start of the forecast")
    days = math.floor((by - start) / DAY)
    counts = simulate_counts(samples, days, trials, seed)
    p50, p85, p95 = (_rank_at_least(counts, c) for c in CONFIDENCES)
    return HowManyForecast(start, by, days, trials, p50, p85, p95)
