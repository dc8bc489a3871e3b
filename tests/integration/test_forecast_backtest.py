"""Backtest of the Monte Carlo forecast over the demo organisation's history.

For every value stream and many past dates t, the forecast of how many items will be
done in the next 14 and 28 days is made from the 8 weeks of daily throughput before t,
and compared with what the history says happened. The p85 answer ("at least this many,
85% of the time") should hold about 85% of the time; the figure is printed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph import demo
from graph.analysis.forecast import daily_throughput, forecast_how_many
from graph.analysis.load import ForecastScope, load_done_times
from graph.db.store import GraphStore
from graph.ingest.service import ingest
from graph.metrics.flow import Window

pytestmark = pytest.mark.db

UNTIL = datetime(2025, 6, 1, tzinfo=UTC)
DAY = timedelta(days=1)
HISTORY = 56
HORIZONS = (14, 28)


async def test_the_p85_forecast_holds_about_85_percent_of_the_time(store: GraphStore) -> None:
    records, truth = demo.generate(demo.DemoConfig(work_items=2000, seed=5, until=UNTIL))
    await ingest(store, records)
    start = truth.start.replace(hour=0, minute=0, second=0, microsecond=0) + DAY

    held = {h: [0, 0] for h in HORIZONS}  # horizon -> [held, forecasts]
    held_p50 = {h: [0, 0] for h in HORIZONS}
    for stream in truth.value_streams:
        done = await load_done_times(
            store, ForecastScope.VALUE_STREAM, stream, Window(start, UNTIL)
        )
        # Dates every 5 days from the first with 8 weeks of history to the last with 28
        # days of future inside the history.
        t = start + HISTORY * DAY
        while t + max(HORIZONS) * DAY <= UNTIL:
            samples = daily_throughput(done, t - HISTORY * DAY, HISTORY)
            for h in HORIZONS:
                f = forecast_how_many(samples, t, t + h * DAY, trials=2000, seed=1)
                actual = sum(daily_throughput(done, t, h))
                held[h][0] += actual >= f.p85
                held[h][1] += 1
                held_p50[h][0] += actual >= f.p50
                held_p50[h][1] += 1
            t += 5 * DAY

    for h in HORIZONS:
        rate, rate50 = held[h][0] / held[h][1], held_p50[h][0] / held_p50[h][1]
        print(
            f"next {h} days: p85 held {rate:.1%}, p50 held {rate50:.1%} of {held[h][1]} forecasts"
        )
        assert held[h][1] >= 200
        assert 0.75 <= rate <= 0.95
