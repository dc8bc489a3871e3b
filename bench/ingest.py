"""Ingest throughput: load a demo organisation into a fresh embedded database.

    .venv/bin/python bench/ingest.py [--scale 100000] [--seed 7] [--batch-size 5000]
                                     [--profile] [--keep DIR]

Prints records per second (target: >= 20,000 on a 2-core machine, at 100,000 and at
1,000,000 work items) and the Cypher round trips used. The organisation is generated and
loaded a chunk at a time (`ingest_stream`'s chunks: a million work items are tens of
millions of records, more than memory holds at once); generation is timed apart, it is
not ingest. `--profile` adds where the time went: each statement's share (time until its
last row, summed over its runs) and each chunk's rate, so a rate that falls with the size
of the graph shows which statement grows.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from graph import demo
from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase, free_port
from graph.db.migrations import prepare
from graph.db.queries import catalogue
from graph.db.store import GraphStore, statement_times
from graph.ingest.records import NodeRecord, Record, RelationshipRecord, StateRecord
from graph.ingest.service import STREAM_CHUNK, ingest

TARGET = 20_000
#: Statements listed by --profile: the costliest, the rest summed.
PROFILE_TOP = 20


def _chunks(records: Iterator[Record], size: int) -> Iterator[tuple[list[Record], float]]:
    """The stream `size` records at a time, each with the seconds generating it took."""
    while True:
        began = time.perf_counter()
        chunk = list(itertools.islice(records, size))
        if not chunk:
            return
        yield chunk, time.perf_counter() - began


async def _load(
    store: GraphStore, scale: int, seed: int, batch_size: int, profile: bool
) -> dict[str, Any]:
    stream, _ = demo.generate(demo.DemoConfig(work_items=scale, seed=seed))
    kinds: Counter[str] = Counter()
    generated = elapsed = 0.0
    written = records = 0
    per_chunk: list[float] = []
    trips = store.round_trips
    with statement_times() if profile else nullcontext({}) as times:
        for chunk, generating in _chunks(stream, STREAM_CHUNK):
            generated += generating
            kinds.update(type(r).__name__ for r in chunk)
            began = time.perf_counter()
            report = await ingest(store, chunk, batch_size=batch_size)
            spent = time.perf_counter() - began
            elapsed += spent
            written += report.written
            records += len(chunk)
            per_chunk.append(len(chunk) / spent)
            print(
                f"  {records:,} records in {elapsed:.1f} s: this chunk "
                f"{per_chunk[-1]:,.0f} records/s",
                file=sys.stderr,
                flush=True,
            )
    result: dict[str, Any] = {
        "work_items": scale,
        "records": records,
        "node_records": kinds[NodeRecord.__name__],
        "relationship_records": kinds[RelationshipRecord.__name__],
        "state_records": kinds[StateRecord.__name__],
        "written": written,
        "generate_s": round(generated, 2),
        "ingest_s": round(elapsed, 2),
        "records_per_s": round(records / elapsed),
        "chunk_records_per_s": [round(r) for r in per_chunk],
        "round_trips": store.round_trips - trips,
        "target_records_per_s": TARGET,
    }
    if profile:
        result["statements"] = _profile(times, elapsed)
    return result


def _profile(times: dict[str, list[float]], elapsed: float) -> list[dict[str, Any]]:
    """The statements by time spent, costliest first; the rest as one line."""
    names = {query.text: name for name, query in catalogue().items()}
    rows = sorted(
        (
            {"statement": names.get(text, "(composed)"), "runs": int(n), "s": round(s, 2)}
            for text, (n, s) in times.items()
        ),
        key=lambda row: -row["s"],
    )
    top, rest = rows[:PROFILE_TOP], rows[PROFILE_TOP:]
    if rest:
        top.append(
            {
                "statement": f"({len(rest)} others)",
                "runs": sum(r["runs"] for r in rest),
                "s": round(sum(r["s"] for r in rest), 2),
            }
        )
    spent = sum(r["s"] for r in rows)
    top.append(
        {"statement": "(between statements: Python)", "runs": 0, "s": round(elapsed - spent, 2)}
    )
    return top


async def run(
    scale: int, seed: int, batch_size: int, profile: bool = False, keep: Path | None = None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        embedded = EmbeddedDatabase(
            EmbeddedConfig(keep or Path(tmp), free_port(), free_port(), "bench")
        )
        connection = await embedded.start()
        try:
            store = await GraphStore.open(connection)
            try:
                await prepare(store)
                return await _load(store, scale, seed, batch_size, profile)
            finally:
                await store.close()
        finally:
            embedded.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="work items (default 100000)")
    parser.add_argument("--seed", type=int, default=7, help="demo seed (default 7)")
    parser.add_argument(
        "--batch-size", type=int, default=5000, help="rows per write transaction (default 5000)"
    )
    parser.add_argument("--profile", action="store_true", help="time each statement and each chunk")
    parser.add_argument(
        "--keep",
        type=Path,
        help="load into this (empty) folder and keep the database (default: a temporary one)",
    )
    args = parser.parse_args()
    result = asyncio.run(run(args.scale, args.seed, args.batch_size, args.profile, args.keep))
    statements = result.pop("statements", None)
    width = max(len(k) for k in result)
    for key, value in result.items():
        shown = f"{value:,}" if isinstance(value, int) else str(value)
        print(f"{key:<{width}}  {shown}")
    if statements:
        print(f"\n{'statement':<60} {'runs':>7} {'seconds':>9} {'share':>6}")
        for row in statements:
            share = row["s"] / result["ingest_s"]
            print(f"{row['statement']:<60} {row['runs']:>7,} {row['s']:>9.1f} {share:>6.1%}")
        result["statements"] = statements
    verdict = "meets" if result["records_per_s"] >= TARGET else "MISSES"
    print(f"{verdict} the target of {TARGET:,} records/s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
