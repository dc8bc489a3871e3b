"""`GET /metrics`: flow, constraint, DORA and ingest figures for Prometheus.

Every family is declared once in `SPECS` with its type, help and label names: they are a
contract (docs/dashboards.md, the Grafana dashboard and its test check against them).
Units are Prometheus' base units (seconds, ratios 0..1); a quantile is a family of its
own (`..._median_seconds`, `..._p85_seconds`), never a `quantile` label on a gauge; every
label's values are bounded by the model (value streams, stages, products, entry points),
never free text such as a reason. `promtool check metrics` passes on the output
(tests/api/test_promtool.py). The text is rendered by `prometheus_client`'s collectors in
the text format 0.0.4.

A statistic of an empty set (a flow time with nothing done, a lead time with no change,
a level without data) has no sample at all rather than a 0 that a dashboard would
average in; counts are 0. The graph figures are computed at most once per
`VSG_METRICS_CACHE_SECONDS` per process (api/http/exposition.py), each value stream's in
the worker pool (api/compute.py) rather than on the event loop; a database that does not
answer, or a stream whose figures take longer than `VSG_COMPUTE_TIMEOUT_SECONDS`, is a
503 with the reason. The ingest counters are read at every scrape.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry
from starlette.requests import Request
from starlette.responses import Response

from api.http.exposition import Figures, StreamFigures, graph_figures
from api.runtime import runtime
from graph.ingest.counters import EntryPoint, Written, ingest_counters
from graph.metrics.dora import Dora, DoraLevel
from graph.model import StageState

DAY, HOUR = 86_400, 3_600


class MetricType(StrEnum):
    """A Prometheus metric type."""

    GAUGE = "gauge"
    COUNTER = "counter"


@dataclass(frozen=True)
class Spec:
    """One metric family: its name as scraped, type, help text and label names (in order)."""

    name: str
    type: MetricType
    help: str
    labels: tuple[str, ...] = ()


_VS = ("value_stream", "product")
_STATION = ("value_stream", "product", "stage")
G, C = MetricType.GAUGE, MetricType.COUNTER
_90 = "the last 90 days"

#: Every family vsgraph exposes, in exposition order. Names and labels are a contract.
SPECS: tuple[Spec, ...] = (
    Spec("vsg_value_stream_info", G, "A value stream and its product; always 1.",
         (*_VS, "name")),
    Spec("vsg_stage_info", G, "A stage of a value stream; the value is its order.",
         ("value_stream", "stage", "name", "state")),
    Spec("vsg_stage_items", G, "Work items in the stage now, every stage including done "
         "ones: stacked in stage order over time, the cumulative flow diagram.",
         (*_VS, "stage", "state")),
    Spec("vsg_flow_load", G, "Work items in the stage now (stages that are not done; "
         "sum the active and waiting ones for the value stream's Flow Load).",
         (*_VS, "stage", "state")),
    Spec("vsg_flow_time_median_seconds", G, f"Median Flow Time (done - started) of the "
         f"items done in {_90}, seconds.", _VS),
    Spec("vsg_flow_time_p85_seconds", G, f"85th percentile of the Flow Time of the items "
         f"done in {_90}, seconds.", _VS),
    Spec("vsg_flow_velocity_items", G, f"Flow Velocity: items done in {_90}, per flow type.",
         (*_VS, "flow_type")),
    Spec("vsg_flow_efficiency_ratio", G, f"Flow Efficiency of the items done in {_90}: time "
         "in active stages / flow time (0..1).", _VS),
    Spec("vsg_constraint_info", G, f"The constraint of the value stream over {_90}: the "
         "top-ranked work station (docs/analysis.md), by its stage; always 1.",
         (*_VS, "stage", "name")),
    Spec("vsg_station_score", G, "Each work station's score as a candidate constraint "
         "(0..1, the highest is the constraint), by its stage.", _STATION),
    Spec("vsg_station_flow_time_share_ratio", G, "Each work station's share (queue and "
         f"stage) of the flow time of the items done in {_90} (0..1).", _STATION),
    Spec("vsg_station_wip_items", G, "Work items in each work station (queue and stage) now.",
         _STATION),
    Spec("vsg_dora_deployments", G, f"Successful production deployments in {_90}.",
         ("product",)),
    Spec("vsg_dora_deployments_per_day", G, "DORA deployment frequency: successful "
         f"production deployments per day over {_90}.", ("product",)),
    Spec("vsg_dora_lead_time_median_seconds", G, f"DORA lead time for changes of {_90}, "
         "median, seconds.", ("product",)),
    Spec("vsg_dora_lead_time_p85_seconds", G, f"DORA lead time for changes of {_90}, 85th "
         "percentile, seconds.", ("product",)),
    Spec("vsg_dora_change_failure_rate", G, f"DORA change failure rate over {_90}: "
         "deployments with an incident / successful deployments (0..1).", ("product",)),
    Spec("vsg_dora_time_to_restore_median_seconds", G, "DORA time to restore: median "
         f"seconds from creation to resolution of the incidents resolved in {_90}.",
         ("product",)),
    Spec("vsg_dora_level", G, "DORA 2023 level of each key (deployment_frequency, "
         "lead_time, change_failure_rate, time_to_restore): 4 elite, 3 high, 2 medium, "
         "1 low; no sample without data.", ("product", "key")),
    Spec("vsg_metrics_computed_timestamp_seconds", G, "When the flow, constraint and DORA "
         "figures above were computed (Unix time); they are cached for "
         "VSG_METRICS_CACHE_SECONDS."),
    Spec("vsg_metrics_compute_seconds", G, "How long computing the figures above took."),
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

#: `vsg_dora_level`'s value per level.
LEVEL_VALUE = {DoraLevel.ELITE: 4, DoraLevel.HIGH: 3, DoraLevel.MEDIUM: 2, DoraLevel.LOW: 1}


class Samples:
    """Samples collected per family, checked against the family's label names."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[tuple[tuple[str, ...], float]]] = {}

    def add(self, name: str, value: float | None, *labels: str | None) -> None:
        """One sample; none for a statistic of nothing (`value` None)."""
        if value is None:
            return
        spec = SPEC[name]
        if len(labels) != len(spec.labels):
            raise ValueError(f"{name} takes labels {spec.labels}, got {labels}")
        self.by_name.setdefault(name, []).append((tuple(v or "" for v in labels), value))

    def families(self, names: Iterable[str]) -> Iterator[Metric]:
        """The named families with their samples, as prometheus_client metrics."""
        for name in names:
            spec = SPEC[name]
            family: GaugeMetricFamily | CounterMetricFamily
            if spec.type is MetricType.COUNTER:
                family = CounterMetricFamily(name, spec.help, labels=spec.labels)
            else:
                family = GaugeMetricFamily(name, spec.help, labels=spec.labels)
            for labels, value in self.by_name.get(name, ()):
                family.add_metric(labels, value)
            yield family


def _seconds(value: float | None, unit: int) -> float | None:
    return None if value is None else value * unit


def _stream(out: Samples, s: StreamFigures) -> None:
    vs = (s.id, s.product)
    out.add("vsg_value_stream_info", 1, *vs, s.name)
    for m in s.stages:
        stage = m.stage
        out.add("vsg_stage_info", stage.order, s.id, stage.id, stage.name, stage.state)
        out.add("vsg_stage_items", m.wip, *vs, stage.id, stage.state)
        if stage.state is not StageState.DONE:
            out.add("vsg_flow_load", m.wip, *vs, stage.id, stage.state)
    flow = s.flow
    out.add("vsg_flow_time_median_seconds", _seconds(flow.flow_time.median, DAY), *vs)
    out.add("vsg_flow_time_p85_seconds", _seconds(flow.flow_time.p85, DAY), *vs)
    for t in flow.by_flow_type:
        out.add("vsg_flow_velocity_items", t.velocity, *vs, t.flow_type)
    out.add("vsg_flow_efficiency_ratio", flow.efficiency, *vs)
    top = s.constraints.constraint
    if top is not None:
        out.add("vsg_constraint_info", 1, *vs, top.stage.id, top.stage.name)
    for station in s.constraints.ranking:
        at = (*vs, station.stage.id)
        out.add("vsg_station_score", station.score, *at)
        out.add("vsg_station_flow_time_share_ratio", station.flow_time_share, *at)
        out.add("vsg_station_wip_items", station.wip, *at)


def _level(level: DoraLevel | None) -> int | None:
    return None if level is None else LEVEL_VALUE[level]


def _dora(out: Samples, product: str, d: Dora) -> None:
    f, lt = d.deployment_frequency, d.lead_time
    cfr, ttr = d.change_failure_rate, d.time_to_restore
    out.add("vsg_dora_deployments", f.deployments, product)
    out.add("vsg_dora_deployments_per_day", f.per_day, product)
    out.add("vsg_dora_lead_time_median_seconds", _seconds(lt.median_hours, HOUR), product)
    out.add("vsg_dora_lead_time_p85_seconds", _seconds(lt.p85_hours, HOUR), product)
    out.add("vsg_dora_change_failure_rate", cfr.rate, product)
    out.add("vsg_dora_time_to_restore_median_seconds", _seconds(ttr.median_hours, HOUR), product)
    for key, level in (
        ("deployment_frequency", f.level),
        ("lead_time", lt.level),
        ("change_failure_rate", cfr.level),
        ("time_to_restore", ttr.level),
    ):
        out.add("vsg_dora_level", _level(level), product, key)


def graph_samples(figures: Figures) -> Samples:
    """The samples of the graph's figures."""
    out = Samples()
    for stream in figures.streams:
        _stream(out, stream)
    for product in figures.products:
        _dora(out, product.id, product.dora)
    out.add("vsg_metrics_computed_timestamp_seconds", figures.computed_at.timestamp())
    out.add("vsg_metrics_compute_seconds", figures.compute_seconds)
    return out


def ingest_samples(totals: Mapping[EntryPoint, Written]) -> Samples:
    """The ingest counters, one sample per entry point (zeros included)."""
    out = Samples()
    for entry, w in totals.items():
        out.add("vsg_ingest_batches_total", w.batches, entry)
        out.add("vsg_ingest_records_total", w.records, entry)
        out.add("vsg_ingest_nodes_total", w.nodes, entry)
        out.add("vsg_ingest_relationships_total", w.relationships, entry)
        out.add("vsg_ingest_visits_total", w.visits, entry)
    return out


class Exposition(Collector):
    """A collector of one scrape: the graph's figures (when known) and the counters."""

    def __init__(self, figures: Figures | None, totals: Mapping[EntryPoint, Written]) -> None:
        self.figures = figures
        self.totals = totals

    def collect(self) -> Iterable[Metric]:
        """Every family of `SPECS`, in order."""
        if self.figures is not None:
            graph = graph_samples(self.figures)
            yield from graph.families(s.name for s in SPECS if s.name not in INGEST_FAMILIES)
        yield from ingest_samples(self.totals).families(INGEST_FAMILIES)


def render(figures: Figures | None, totals: Mapping[EntryPoint, Written]) -> bytes:
    """The exposition in the Prometheus text format 0.0.4."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Exposition(figures, totals))
    return generate_latest(registry)


#: Whom the exposition's computations count as in the worker pool (api/compute.py): one
#: computation serves every scraper, so they share one client's share of the pool.
METRICS_CLIENT = "GET /metrics"


async def metrics(request: Request) -> Response:
    """The exposition; 503 with the reason when the database does not answer
    (api/http/errors.py)."""
    shared = runtime(request)
    store, pattern = shared.store, shared.settings.production_pattern
    run = shared.compute.runner(METRICS_CLIENT)
    figures = await shared.metrics_cache.get(
        lambda: graph_figures(store, datetime.now(UTC), pattern, run)
    )
    body = render(figures, ingest_counters(store).snapshot())
    return Response(body, media_type=CONTENT_TYPE_PLAIN_0_0_4)
