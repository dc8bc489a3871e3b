"""The figures `GET /metrics` exposes, computed from the graph: flow, constraints, DORA.

api/http/prometheus.py renders them in the Prometheus text format; this module only
computes them, over the default window (the 90 days up to the scrape), as the API
serves them (graph/metrics/flow.py, graph/analysis/constraints.py, graph/metrics/dora.py):

- per value stream: its stages with their items now, the flow metrics, and the stations
  ranked as candidate constraints (the constraint first);
- per product: DORA's four keys in production.

Computing them reads the flow data of every value stream (three statements for all of
them) and the DORA figures of every product (three statements each), so
`ExpositionCache` keeps one result for a configurable time and lets concurrent scrapes
share one computation; the ingest counters are read live, elsewhere. A stream's figures
are computed from its flow data by the caller's runner (graph/runner.py): the server
computes them in its worker pool, off the event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from graph.analysis.constraints import Constraints, rank_stations
from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.metrics.dora import PRODUCTION, PRODUCTION_PATTERN, Dora
from graph.metrics.dora_queries import product_dora
from graph.metrics.flow import (
    FlowData,
    FlowMetrics,
    FlowQuery,
    ScopeKind,
    StageMetrics,
    Window,
    flow_metrics,
)
from graph.metrics.flow import stage_metrics as stage_metrics_of
from graph.metrics.flow_queries import load_flow_data_many
from graph.runner import Runner, inline

VALUE_STREAMS = cypher("exposition/list_value_streams")
PRODUCTS = cypher("exposition/list_products")

#: The most value streams and products one exposition reads (each costs a few queries).
MAX_SCOPES = 1000

T = TypeVar("T")


@dataclass(frozen=True)
class StreamFigures:
    """One value stream's figures: its stages now, its flow and its constraint ranking."""

    id: str
    name: str
    product: str | None
    stages: tuple[StageMetrics, ...]
    flow: FlowMetrics
    constraints: Constraints


@dataclass(frozen=True)
class ProductFigures:
    """One product's DORA figures in production."""

    id: str
    dora: Dora


@dataclass(frozen=True)
class Figures:
    """Everything the exposition shows from the graph, and when and how fast it was made."""

    streams: tuple[StreamFigures, ...]
    products: tuple[ProductFigures, ...]
    computed_at: datetime
    compute_seconds: float


def stream_figures(
    id: str, name: str, product: str | None, window: Window, data: FlowData
) -> StreamFigures:
    """A value stream's figures from its flow data over the window."""
    stages = tuple(stage_metrics_of(data))
    ranking = Constraints(id, window, rank_stations(stages))
    return StreamFigures(id, name, product, stages, flow_metrics(data), ranking)


async def graph_figures(
    store: GraphStore,
    now: datetime,
    production_pattern: str = PRODUCTION_PATTERN,
    run: Runner = inline,
) -> Figures:
    """The flow, constraint and DORA figures over the 90 days up to `now`.

    The flow data of every value stream comes in the same three statements as one
    stream's; products are read one after the other: a scrape should not take every
    connection of the database. Each stream's figures are computed by `run`, one stream
    at a time.
    """
    began = time.perf_counter()
    window = Window.of(None, None, now)
    rows = await store.read(VALUE_STREAMS, limit=MAX_SCOPES)
    queries = [FlowQuery(ScopeKind.VALUE_STREAM, row["valueStream"], window) for row in rows]
    streams = []
    for row, data in zip(rows, await load_flow_data_many(store, queries), strict=True):
        figures = await run(
            stream_figures, row["valueStream"], row["name"], row["product"], window, data
        )
        streams.append(figures)
    products = tuple(
        [
            ProductFigures(
                row["product"],
                # Figures only: no change is exported.
                await product_dora(
                    store, row["product"], window, PRODUCTION, production_pattern, details=False
                ),
            )
            for row in await store.read(PRODUCTS, limit=MAX_SCOPES)
        ]
    )
    return Figures(tuple(streams), products, now, round(time.perf_counter() - began, 6))


# ---------------------------------------------------------------------------------------
# Caching


class ExpositionCache(Generic[T]):
    """One computed value, served for `ttl` seconds and then while its successor is being
    computed; concurrent callers share one computation.

    Past `ttl`, a caller gets the old value at once and starts the next computation in
    the background: at a million work items computing takes longer than a scrape's
    timeout, and a scrape should never wait for it. Only the first caller (nothing
    computed yet) and the first one after a failed computation wait, so a failure is
    seen (a 503) instead of old figures being served for ever; how old the served figures
    are is in `vsg_metrics_computed_timestamp_seconds`. With a `ttl` of 0 every caller
    waits for a computation of its own (shared with those arriving meanwhile).
    """

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self.computations = 0
        self._value: tuple[float, T] | None = None
        self._running: asyncio.Task[T] | None = None
        self._failed = False

    def _fresh(self) -> T | None:
        if self._value is None or self.clock() - self._value[0] >= self.ttl:
            return None
        return self._value[1]

    async def _compute(self, compute: Callable[[], Awaitable[T]]) -> T:
        try:
            value = await compute()
        except BaseException:
            self._failed = True
            raise
        finally:
            self._running = None
        self._failed = False
        self.computations += 1
        self._value = (self.clock(), value)
        return value

    @staticmethod
    def _observe(task: asyncio.Task[T]) -> None:
        # A refresh nobody waits for: its error is reported to the next caller (who
        # computes again and waits), not left as an "exception never retrieved".
        if not task.cancelled():
            task.exception()

    async def get(self, compute: Callable[[], Awaitable[T]]) -> T:
        """The value: fresh, or old while the next one is computed, or newly computed."""
        held = self._fresh()
        if held is not None:
            return held
        running = self._running
        if running is None:
            running = self._running = asyncio.create_task(self._compute(compute))
            running.add_done_callback(self._observe)
        if self._value is not None and not self._failed and self.ttl > 0:
            return self._value[1]
        # Shielded: a caller that gives up (a client that disconnects) does not cancel the
        # computation the others share.
        return await asyncio.shield(running)

    async def close(self) -> None:
        """Stop a computation still running (the app is shutting down)."""
        if self._running is not None:
            self._running.cancel()
            await asyncio.gather(self._running, return_exceptions=True)
