"""Monte Carlo forecasts of a value stream's delivery."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.context import Info
from graph.analysis import forecast as simulation
from graph.analysis import stream as stream_analysis
from graph.analysis.forecast import start_of_day
from graph.analysis.load import ForecastScope, load_throughput
from graph.errors import InvalidArgument

MAX_TRIALS = 100_000


@strawberry.type(
    description="When N items will be done: pXX is the date by which XX% of the simulated "
    "futures were done (the XXth percentile of days), so p85 = an 85% chance of being done "
    "by then; null when that share of trials did not finish within 10 years."
)
class WhenForecast:
    items: int = strawberry.field(description="Items to finish.")
    p50: datetime | None = strawberry.field(description="50% chance of being done by then.")
    p85: datetime | None = strawberry.field(description="85% chance of being done by then.")
    p95: datetime | None = strawberry.field(description="95% chance of being done by then.")


@strawberry.type(
    description="How many items will be done by a date: pXX is the count that XX% of the "
    "simulated futures reached at least, so p85 = an 85% chance of at least that many (the "
    "15th percentile of simulated counts; higher confidence, fewer items)."
)
class HowManyForecast:
    by: datetime = strawberry.field(description="The date asked about.")
    days: int = strawberry.field(description="Whole days from the start up to the date.")
    p50: int = strawberry.field(description="50% chance of at least this many.")
    p85: int = strawberry.field(description="85% chance of at least this many.")
    p95: int = strawberry.field(description="95% chance of at least this many.")


@strawberry.type(
    description="Monte Carlo forecast: each trial draws days at random (with replacement) "
    "from the daily throughput of the history before the start; seeded, so the same "
    "question gives the same answer."
)
class Forecast:
    start: datetime = strawberry.field(description="The forecast counts days from here (UTC).")
    samples: list[int] = strawberry.field(
        description="Items done on each UTC day of the history, oldest first."
    )
    mean_daily: float = strawberry.field(description="Mean of the samples.")
    trials: int = strawberry.field(description="Simulated futures.")
    when: WhenForecast | None = strawberry.field(description="Null unless `items` was asked.")
    how_many: HowManyForecast | None = strawberry.field(description="Null unless `by` was asked.")

    @classmethod
    def from_domain(cls, f: stream_analysis.Forecast, trials: int) -> Forecast:
        """Map the forecast."""
        w, h = f.when, f.how_many
        return cls(
            start=f.start,
            samples=list(f.samples),
            mean_daily=sum(f.samples) / len(f.samples),
            trials=trials,
            when=None
            if w is None
            else WhenForecast(items=w.items, p50=w.p50, p85=w.p85, p95=w.p95),
            how_many=None
            if h is None
            else HowManyForecast(by=h.by, days=h.days, p50=h.p50, p85=h.p85, p95=h.p95),
        )


async def forecast(
    info: Info,
    value_stream: str,
    items: int | None,
    by: datetime | None,
    start: datetime | None,
    history_days: int,
    trials: int,
    seed: int,
) -> Forecast:
    """The forecast field."""
    if not 1 <= trials <= MAX_TRIALS:
        raise InvalidArgument(f"trials must be between 1 and {MAX_TRIALS:,}")
    begin = start_of_day(start or info.context.loaders.now)
    if history_days < 1:
        raise InvalidArgument(f"history must be at least one day, got {history_days}")
    if items is None and by is None:
        raise InvalidArgument("ask for a number of items, a date, or both")
    # stream_analysis.forecast's steps, with the simulations off the event loop
    # (api/compute.py): trials times days is seconds of CPU.
    scope = ForecastScope.VALUE_STREAM
    samples = await load_throughput(info.context.store, scope, value_stream, begin, history_days)
    run = info.context.run
    when = None if items is None else await run(_when, samples, items, begin, trials, seed)
    how_many = None if by is None else await run(_how_many, samples, begin, by, trials, seed)
    result = stream_analysis.Forecast(scope, value_stream, begin, samples, None, when, how_many)
    return Forecast.from_domain(result, trials)


def _when(
    samples: tuple[int, ...], items: int, start: datetime, trials: int, seed: int
) -> simulation.WhenForecast:
    return simulation.forecast_when(samples, items, start, trials=trials, seed=seed)


def _how_many(
    samples: tuple[int, ...], start: datetime, by: datetime, trials: int, seed: int
) -> simulation.HowManyForecast:
    return simulation.forecast_how_many(samples, start, by, trials=trials, seed=seed)
