"""The Prometheus rendering and the exposition cache, without a database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector, CollectorRegistry

from api.http.exposition import ExpositionCache
from api.http.prometheus import SPECS, Samples, render
from graph.ingest.counters import EntryPoint, IngestCounters
from graph.ingest.service import IngestReport


class _Families(Collector):
    def __init__(self, samples: Samples, names: tuple[str, ...]) -> None:
        self.samples, self.names = samples, names

    def collect(self) -> Iterable[Metric]:
        return self.samples.families(self.names)


def _text(samples: Samples, *names: str) -> str:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Families(samples, names))
    return generate_latest(registry).decode()


def test_label_values_and_help_are_escaped_and_parse_back() -> None:
    samples = Samples()
    samples.add("vsg_value_stream_info", 1, "vs-1", "p", 'Say "hi"\\ \nthere')
    text = _text(samples, "vsg_value_stream_info")
    assert 'name="Say \\"hi\\"\\\\ \\nthere"' in text
    [parsed] = text_string_to_metric_families(text)
    assert parsed.samples[0].labels["name"] == 'Say "hi"\\ \nthere'
    assert parsed.samples[0].value == 1


def test_a_statistic_of_nothing_has_no_sample_and_labels_are_checked() -> None:
    samples = Samples()
    samples.add("vsg_flow_efficiency_ratio", None, "a", "p")
    samples.add("vsg_flow_efficiency_ratio", 0.25, "b", "p")
    lines = _text(samples, "vsg_flow_efficiency_ratio").splitlines()
    assert lines[2:] == ['vsg_flow_efficiency_ratio{product="p",value_stream="b"} 0.25']
    try:
        samples.add("vsg_flow_efficiency_ratio", 1, "only-one-label")
    except ValueError as error:
        assert "takes labels" in str(error)
    else:
        raise AssertionError("a sample with the wrong labels was accepted")


def test_no_gauge_has_a_quantile_label_and_units_are_base_units() -> None:
    for spec in SPECS:
        assert "quantile" not in spec.labels, spec.name
        assert not spec.name.endswith(("_hours", "_days", "_minutes")), spec.name
        assert spec.name.endswith("_total") == (spec.type == "counter"), spec.name


def test_ingest_counters_per_entry_point() -> None:
    counters = IngestCounters()
    counters.add(EntryPoint.HTTP, IngestReport(records=5, nodes=3, relationships=2, visits=0))
    counters.add(EntryPoint.HTTP, IngestReport(records=1, nodes=1))
    families = {
        f.name: f
        for f in text_string_to_metric_families(render(None, counters.snapshot()).decode())
    }
    records = {s.labels["entry_point"]: s.value for s in families["vsg_ingest_records"].samples}
    # 5 + 1 over HTTP, and a 0 for every other entry point.
    assert records["http"] == 6
    assert records["graphql"] == 0
    assert len(records) == len(EntryPoint)
    batches = {s.labels["entry_point"]: s.value for s in families["vsg_ingest_batches"].samples}
    assert batches["http"] == 2


def test_the_cache_serves_one_value_for_its_ttl_and_shares_a_computation() -> None:
    now = [0.0]
    cache: ExpositionCache[int] = ExpositionCache(60, clock=lambda: now[0])
    calls = []

    async def compute() -> int:
        calls.append(now[0])
        await asyncio.sleep(0.01)  # long enough for the other callers to queue up
        return len(calls)

    async def run() -> list[int]:
        first = await asyncio.gather(*(cache.get(compute) for _ in range(3)))
        now[0] = 59.9
        held = await cache.get(compute)
        now[0] = 60.0
        # Past its time: the old value at once, twice, while one refresh runs ...
        stale = [await cache.get(compute), await cache.get(compute)]
        await asyncio.sleep(0.05)
        # ... and its result once it is done.
        fresh = await cache.get(compute)
        return [*first, held, *stale, fresh]

    # Three concurrent scrapes share the first computation; 59.9 s later it is still
    # served; at 60 s it is served while the next is computed, once.
    assert asyncio.run(run()) == [1, 1, 1, 1, 1, 1, 2]
    assert calls == [0.0, 60.0]
    assert cache.computations == 2


def test_after_a_failed_refresh_callers_wait_and_see_errors_not_old_figures() -> None:
    now = [0.0]
    cache: ExpositionCache[int] = ExpositionCache(60, clock=lambda: now[0])
    down = RuntimeError("database down")
    outcomes: list[int | Exception] = [1, down, down, 4]

    async def compute() -> int:
        await asyncio.sleep(0)
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def run() -> list[object]:
        seen: list[object] = [await cache.get(compute)]
        now[0] = 61.0
        seen.append(await cache.get(compute))  # the old value; its refresh fails meanwhile
        await asyncio.sleep(0.01)
        try:
            await cache.get(compute)  # no old value now: waits, and its computation fails
        except RuntimeError as error:
            seen.append(str(error))
        seen.append(await cache.get(compute))  # waits again, and gets the new value
        return seen

    assert asyncio.run(run()) == [1, 1, "database down", 4]
    assert outcomes == []
