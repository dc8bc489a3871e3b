"""Ingest throughput: load a demo organisation into a fresh embedded database.

    .venv/bin/python bench/ingest.py [--scale 100000] [--seed 7] [--batch-size 5000]

Prints records per second (target: >= 20,000 at 100,000 work items on a 2-core machine)
and the Cypher round trips used. Generation is timed apart: it is not ingest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from graph import demo
from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase, free_port
from graph.db.migrations import prepare
from graph.db.store import GraphStore
from graph.ingest.records import NodeRecord, RelationshipRecord, StateRecord
from graph.ingest.service import ingest

TARGET = 20_000


async def run(scale: int, seed: int, batch_size: int) -> dict[str, object]:
    started = time.perf_counter()
    stream, _ = demo.generate(demo.DemoConfig(work_items=scale, seed=seed))
    records = list(stream)
    generated = time.perf_counter() - started
    kinds = Counter(type(r).__name__ for r in records)

    with tempfile.TemporaryDirectory() as tmp:
        embedded = EmbeddedDatabase(EmbeddedConfig(Path(tmp), free_port(), free_port(), "bench"))
        connection = await embedded.start()
        try:
            store = await GraphStore.open(connection)
            await prepare(store)
            trips = store.round_trips
            began = time.perf_counter()
            report = await ingest(store, records, batch_size=batch_size)
            elapsed = time.perf_counter() - began
            trips = store.round_trips - trips
            await store.close()
        finally:
            embedded.stop()
    return {
        "work_items": scale,
        "records": len(records),
        "node_records": kinds[NodeRecord.__name__],
        "relationship_records": kinds[RelationshipRecord.__name__],
        "state_records": kinds[StateRecord.__name__],
        "written": report.written,
        "generate_s": round(generated, 2),
        "ingest_s": round(elapsed, 2),
        "records_per_s": round(len(records) / elapsed),
        "round_trips": trips,
        "target_records_per_s": TARGET,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="work items (default 100000)")
    parser.add_argument("--seed", type=int, default=7, help="demo seed (default 7)")
    parser.add_argument(
        "--batch-size", type=int, default=5000, help="rows per write transaction (default 5000)"
    )
    args = parser.parse_args()
    result = asyncio.run(run(args.scale, args.seed, args.batch_size))
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(
            f"{key:<{width}}  {value:,}" if isinstance(value, int) else f"{key:<{width}}  {value}"
        )
    verdict = "meets" if result["records_per_s"] >= TARGET else "MISSES"  # type: ignore[operator]
    print(f"{verdict} the target of {TARGET:,} records/s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
