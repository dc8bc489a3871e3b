"""Monte Carlo forecasts: exact on constant throughput, right in distribution otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph.analysis.forecast import (
    daily_throughput,
    forecast_how_many,
    forecast_when,
    simulate_days,
    start_of_day,
)
from graph.errors import InvalidArgument

START = datetime(2025, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def test_constant_throughput_gives_exact_dates() -> None:
    # 3 a day: after 3 days 9 are done, after 4 days 12 >= 10. Every trial agrees.
    f = forecast_when([3] * 7, 10, START)
    assert (f.p50, f.p85, f.p95) == (START + 4 * DAY,) * 3
    assert f.trials == 10_000 and f.items == 10
    # Exactly 9 take exactly 3 days; nothing left takes none.
    assert forecast_when([3], 9, START).p85 == START + 3 * DAY
    assert forecast_when([3], 0, START).p95 == START


def test_constant_throughput_gives_exact_counts() -> None:
    # 10 whole days at 3 a day = 30; a part day does not count.
    f = forecast_how_many([3, 3], START, START + 10 * DAY)
    assert (f.days, f.p50, f.p85, f.p95) == (10, 30, 30, 30)
    assert forecast_how_many([3], START, START + timedelta(days=10, hours=12)).p85 == 30
    assert forecast_how_many([3], START, START).p85 == 0


def test_no_throughput_means_no_date_and_no_items() -> None:
    assert forecast_when([0, 0], 5, START).p50 is None
    assert forecast_how_many([0, 0], START, START + 7 * DAY).p95 == 0


def test_when_follows_the_geometric_distribution() -> None:
    # Days of 0 or 2 items, even odds: 2 items are done on the first day of 2, so
    # P(done within d days) = 1 - 0.5^d: 0.75 at 2, 0.875 at 3 days -> p85 = 3 days;
    # 0.9375 at 4, 0.96875 at 5 -> p95 = 5 days (10,000 trials miss by ~0.003).
    f = forecast_when([0, 2], 2, START, seed=3)
    assert (f.p85, f.p95) == (START + 3 * DAY, START + 5 * DAY)


def test_how_many_p85_is_the_count_reached_at_least_85_percent_of_the_time() -> None:
    # 10 days of 0 or 2: count = 2 * Binomial(10, 1/2). P(B >= 3) = 1 - 56/1024 = 0.945,
    # P(B >= 4) = 1 - 176/1024 = 0.828 -> p85 = 2*3 = 6. P(B >= 5) = 0.623, P(B >= 6) =
    # 0.377 -> p50 = 10. The p85 count is *lower* than the p50 one.
    f = forecast_how_many([0, 2], START, START + 10 * DAY, seed=5)
    assert (f.p50, f.p85) == (10, 6)


def test_long_forecasts_draw_past_the_first_chunk() -> None:
    # One day in ten brings 10 items: 50 items take 5 such days, ~50 days on average,
    # far past the first chunk of 1.5 * 50 / 1 + 7 = 82 days for some trials.
    days = simulate_days([0] * 9 + [10], 50, 2000, seed=1)
    assert days == sorted(days) and days[-1] > 82
    assert 35 <= days[len(days) // 2] <= 65


def test_the_same_seed_gives_the_same_forecast() -> None:
    samples = [0, 1, 1, 2, 5, 0, 3]
    assert forecast_when(samples, 40, START, seed=9) == forecast_when(samples, 40, START, seed=9)
    a = forecast_how_many(samples, START, START + 30 * DAY, seed=9)
    assert a == forecast_how_many(samples, START, START + 30 * DAY, seed=9)
    assert a.p95 <= a.p85 <= a.p50


def test_daily_throughput_counts_done_items_per_utc_day() -> None:
    done = [START + timedelta(hours=h) for h in (1, 23, 24, 71, -1, 72)]
    # Day 0: 01:00 and 23:00; day 1: 24:00; day 2: 71:00; -1 h and 72 h are outside.
    assert daily_throughput(done, START, 3) == (2, 1, 1)
    assert start_of_day(START + timedelta(hours=30)) == START + DAY


def test_bad_questions_are_refused() -> None:
    with pytest.raises(InvalidArgument):
        forecast_when([], 1, START)
    with pytest.raises(InvalidArgument):
        forecast_when([1], -1, START)
    with pytest.raises(InvalidArgument):
        forecast_how_many([1], START, START - DAY)
    with pytest.raises(InvalidArgument):
        forecast_when([1], 1, START, trials=0)
