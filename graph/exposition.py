"""The Prometheus exposition of vsgraph: flow and DORA figures, ingest counters.

`GET /metrics` (api/http/prometheus.py) answers in the Prometheus text format 0.0.4.
Every family is declared once in `SPECS` with its type, help and label names, so the
names and labels are stable and docs/dashboards.md and the Grafana dashboard can be
checked against them. The figures are the ones the API serves (graph/flow.py,
graph/dora.py) over the default window, the 90 days up to the scrape:

- per value stream: `vsg_flow_load` per stage (items in it now), `vsg_flow_time_days`
  (median and p85), `vsg_flow_velocity_items` per flow type, `vsg_flow_efficiency_ratio`;
- per product: `vsg_dora_*` in production;
- per entry point: `vsg_ingest_*_total`, what this process wrote since it started.

A statistic of an empty set (a flow time with nothing done, a lead time with no change)
has no sample at all rather than a 0 that a dashboard would average in; counts are 0.

Computing the graph figures reads the flow data of every value stream (three statements
for all of them) and the DORA figures of every product (three statements each), so
`ExpositionCache` keeps one result for a configurable time and lets concurrent scrapes
share one computation; the ingest counters are read live.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from graph.dora import Dora, product_dora
from graph.flow import FlowData, FlowQuery, ScopeKind, Window, flow_metrics, stage_metrics
from graph.flow_queries import load_flow_data_many
from graph.ingest.counters import EntryPoint, Written
from graph.model import StageState
from graph.queries import cypher
from graph.store import GraphStore

VALUE_STREAMS = cypher("exposition/list_value_streams")
PRODUCTS = cypher("exposition/list_products")

#: The most value streams and products one exposition reads (each costs a few queries).
MAX_SCOPES = 1000
QUANTILES = (("0.5", "median"), ("0.85", "p85"))

T = TypeVar("T")


class MetricType(StrEnum):
    """A Prometheus metric type."""

    GAUGE = "gauge"
    COUNTER = "counter"


@dataclass(frozen=True)
class Spec:
    """One metric family: its name, type, help text and label names (in order)."""

    name: str
    type: MetricType
    help: str
    labels: tuple[str, ...] = ()


_VS = ("value_stream", "product")
G, C = MetricType.GAUGE, MetricType.COUNTER

#: Every family vsgraph exposes, in exposition order. Names and labels are a contract.
SPECS: tuple[Spec, ...] = (
    Spec("vsg_value_stream_info", G, "A value stream and its product; always 1.",
         (*_VS, "name")),
    Spec("vsg_stage_info", G, "A stage of a value stream; the value is its order.",
         ("value_stream", "stage", "name", "state")),
    Spec("vsg_flow_load", G, "Work items in the stage now (stages that are not done; "
         "sum the active and waiting ones for the value stream's Flow Load).",
         (*_VS, "stage", "state")),
    Spec("vsg_flow_time_days", G, "Flow Time (done - started) of the items done in the last "
         "90 days, days: quantile 0.5 (median) and 0.85.", (*_VS, "quantile")),
    Spec("vsg_flow_velocity_items", G, "Flow Velocity: items done in the last 90 days, per "
         "flow type.", (*_VS, "flow_type")),
    Spec("vsg_flow_efficiency_ratio", G, "Flow Efficiency of the items done in the last 90 "
         "days: time in active stages / flow time (0..1).", _VS),
    Spec("vsg_dora_deployments", G, "Successful production deployments in the last 90 days.",
         ("product",)),
    Spec("vsg_dora_deployments_per_day", G, "DORA deployment frequency: successful production "
         "deployments per day over the last 90 days.", ("product",)),
    Spec("vsg_dora_lead_time_hours", G, "DORA lead time for changes of the last 90 days, "
         "hours: quantile 0.5 (median) and 0.85.", ("product", "quantile")),
    Spec("vsg_dora_change_failure_rate", G, "DORA change failure rate over the last 90 days: "
         "deployments with an incident / successful deployments (0..1).", ("product",)),
    Spec("vsg_dora_time_to_restore_hours", G, "DORA time to restore: median hours from "
         "creation to resolution of the incidents resolved in the last 90 days.",
         ("product",)),
    Spec("vsg_metrics_computed_timestamp_seconds", G, "When the flow and DORA figures above "
         "were computed (Unix time); they are cached for VSG_METRICS_CACHE_SECONDS."),
    Spec("vsg_metrics_compute_seconds", G, "How long computing the flow and DORA figures took."),
    Spec("vsg_ingest_batches_total", C, "Ingest requests written by this process since it "
         "started.", ("entry_point",)),
    Spec("vsg_ingest_records_total", C, "Records read by written ingest requests since the "
         "process started.", ("entry_point",)),
    Spec("vsg_ingest_nodes_total", C, "Nodes created or updated by ingest since the process "
         "started.", ("entry_point",)),
    Spec("vsg_ingest_relationships_total", C, "Relationships created or updated by ingest "
         "since the process started.", ("entry_point",)),
    Spec("vsg_ingest_visits_total", C, "Stage visits recorded by ingest since the process "
         "started.", ("entry_point",)),
)  # fmt: skip
SPEC = {s.name: s for s in SPECS}
INGEST_FAMILIES = tuple(s.name for s in SPECS if s.name.startswith("vsg_ingest_"))


@dataclass(frozen=True)
class Sample:
    """One value, with its label values in the order of its family's label names."""

    labels: tuple[str, ...]
    value: float


@dataclass(frozen=True)
class Family:
    """A metric family and its samples."""

    spec: Spec
    samples: tuple[Sample, ...]


class _Samples:
    """Samples collected per family name, checked against the family's labels."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[Sample]] = {}

    def add(self, name: str, value: float | None, *labels: str | None) -> None:
        if value is None:
            return  # a statistic of nothing: no sample
        spec = SPEC[name]
        if len(labels) != len(spec.labels):
            raise ValueError(f"{name} takes labels {spec.labels}, got {labels}")
        self.by_name.setdefault(name, []).append(Sample(tuple(v or "" for v in labels), value))

    def families(self, names: Iterable[str]) -> tuple[Family, ...]:
        return tuple(Family(SPEC[n], tuple(self.by_name.get(n, ()))) for n in names)


# ---------------------------------------------------------------------------------------
# Assembling the families


def _flow(out: _Samples, value_stream: str, product: str | None, data: FlowData) -> None:
    vs = (value_stream, product)
    for s in stage_metrics(data):
        stage = s.stage
        out.add("vsg_stage_info", stage.order, value_stream, stage.id, stage.name, stage.state)
        if stage.state is not StageState.DONE:
            out.add("vsg_flow_load", s.wip, *vs, stage.id, stage.state)
    m = flow_metrics(data)
    for quantile, attribute in QUANTILES:
        out.add("vsg_flow_time_days", getattr(m.flow_time, attribute), *vs, quantile)
    for t in m.by_flow_type:
        out.add("vsg_flow_velocity_items", t.velocity, *vs, t.flow_type)
    out.add("vsg_flow_efficiency_ratio", m.efficiency, *vs)


def _dora(out: _Samples, product: str, d: Dora) -> None:
    out.add("vsg_dora_deployments", d.deployment_frequency.deployments, product)
    out.add("vsg_dora_deployments_per_day", d.deployment_frequency.per_day, product)
    out.add("vsg_dora_lead_time_hours", d.lead_time.median_hours, product, "0.5")
    out.add("vsg_dora_lead_time_hours", d.lead_time.p85_hours, product, "0.85")
    out.add("vsg_dora_change_failure_rate", d.change_failure_rate.rate, product)
    out.add("vsg_dora_time_to_restore_hours", d.time_to_restore.median_hours, product)


async def graph_families(store: GraphStore, now: datetime) -> tuple[Family, ...]:
    """The flow and DORA families over the 90 days up to `now`, from the graph.

    The flow data of every value stream comes in the same three statements as one
    stream's; products are read one after the other: a scrape should not take every
    connection of the database.
    """
    began = time.perf_counter()
    window = Window.of(None, None, now)
    out = _Samples()
    streams = await store.read(VALUE_STREAMS, limit=MAX_SCOPES)
    queries = [FlowQuery(ScopeKind.VALUE_STREAM, row["valueStream"], window) for row in streams]
    for row, data in zip(streams, await load_flow_data_many(store, queries), strict=True):
        vs, product = row["valueStream"], row["product"]
        out.add("vsg_value_stream_info", 1, vs, product, row["name"])
        _flow(out, vs, product, data)
    for row in await store.read(PRODUCTS, limit=MAX_SCOPES):
        _dora(out, row["product"], await product_dora(store, row["product"], window))
    out.add("vsg_metrics_computed_timestamp_seconds", now.timestamp())
    out.add("vsg_metrics_compute_seconds", round(time.perf_counter() - began, 6))
    return out.families(s.name for s in SPECS if s.name not in INGEST_FAMILIES)


def ingest_families(totals: Mapping[EntryPoint, Written]) -> tuple[Family, ...]:
    """The ingest counters, one sample per entry point (zeros included)."""
    out = _Samples()
    for entry, w in totals.items():
        out.add("vsg_ingest_batches_total", w.batches, entry)
        out.add("vsg_ingest_records_total", w.records, entry)
        out.add("vsg_ingest_nodes_total", w.nodes, entry)
        out.add("vsg_ingest_relationships_total", w.relationships, entry)
        out.add("vsg_ingest_visits_total", w.visits, entry)
    return out.families(INGEST_FAMILIES)


# ---------------------------------------------------------------------------------------
# The text format


def _label_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def render(families: Sequence[Family]) -> str:
    """The families in the Prometheus text exposition format 0.0.4."""
    lines = []
    for family in families:
        spec = family.spec
        lines.append(f"# HELP {spec.name} {_help(spec.help)}")
        lines.append(f"# TYPE {spec.name} {spec.type}")
        for sample in family.samples:
            pairs = ",".join(
                f'{k}="{_label_value(v)}"' for k, v in zip(spec.labels, sample.labels, strict=True)
            )
            labels = f"{{{pairs}}}" if pairs else ""
            lines.append(f"{spec.name}{labels} {_number(sample.value)}")
    return "\n".join(lines) + "\n"


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
