"""The Prometheus text format and the exposition cache, without a database."""

from __future__ import annotations

import asyncio

from prometheus_client.parser import text_string_to_metric_families

from graph.exposition import SPEC, ExpositionCache, Family, Sample, ingest_families, render
from graph.ingest.counters import EntryPoint, IngestCounters
from graph.ingest.service import IngestReport


def test_label_values_and_help_are_escaped_and_parse_back() -> None:
    family = Family(
        SPEC["vsg_value_stream_info"], (Sample(("vs-1", "p", 'Say "hi"\\ \nthere'), 1),)
    )
    text = render([family])
    assert 'name="Say \\"hi\\"\\\\ \\nthere"' in text
    [parsed] = text_string_to_metric_families(text)
    assert parsed.samples[0].labels["name"] == 'Say "hi"\\ \nthere'
    assert parsed.samples[0].value == 1


def test_numbers_are_integers_where_they_are_whole() -> None:
    family = Family(
        SPEC["vsg_flow_efficiency_ratio"], (Sample(("a", "p"), 0.25), Sample(("b", "p"), 3.0))
    )
    lines = render([family]).splitlines()
    assert lines[2:] == [
        'vsg_flow_efficiency_ratio{value_stream="a",product="p"} 0.25',
        'vsg_flow_efficiency_ratio{value_stream="b",product="p"} 3',
    ]


def test_ingest_counters_per_entry_point() -> None:
    counters = IngestCounters()
    counters.add(EntryPoint.HTTP, IngestReport(records=5, nodes=3, relationships=2, visits=0))
    counters.add(EntryPoint.HTTP, IngestReport(records=1, nodes=1))
    families = {f.spec.name: f for f in ingest_families(counters.snapshot())}
    records = {s.labels: s.value for s in families["vsg_ingest_records_total"].samples}
    # 5 + 1 over HTTP, and a 0 for every other entry point.
    assert records[("http",)] == 6
    assert records[("graphql",)] == 0
    assert len(records) == len(EntryPoint)
    batches = {s.labels: s.value for s in families["vsg_ingest_batches_total"].samples}
    assert batches[("http",)] == 2


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
