"""The benchmark suite: vsgraph against its peer (@neo4j/graphql) and a hand-written floor.

    .venv/bin/python bench/suite.py [--scales 10000,100000] [--keep DIR] [--runs 30]
                                    [--metrics-runs N] [--trace-items 40] [--out PATH]

For each scale, loads the demo organisation (graph/demo, seed 7, history up to
bench/demo_stream.UNTIL) into an embedded database (timed: ingest throughput), then serves
that one database three ways at once:

- **vsgraph**: the real app (`api.app.create_app`) under uvicorn in a child process,
  GraphQL over HTTP on 127.0.0.1;
- **peer**: `@neo4j/graphql` on `@apollo/server` (bench/peer/server.mjs, installed with
  `npm ci` into bench/peer on first run) on the same database over Bolt;
- **floor**: one hand-written Cypher statement per question (bench/floor/*.cypher) through
  the neo4j driver from this process.

and measures, sides interleaved run by run after a warm-up, the same number of runs each:

- `nested`: products -> value streams -> stages (ids, names, order, state). Identical
  structural question on all three sides; ratios vsgraph/peer and vsgraph/floor.
- `deep`: four lists deep, paged where the API pages: products(first: 20) -> a page of
  20 work items each -> their children -> the children's commits; vsgraph and the peer
  (no floor). Latency p50/p95 and the ratio.
- `nested+metrics`: `nested` with each value stream's flow metrics (vsgraph only: neither
  the peer nor a single statement computes them). Reported, no ratio.
- `trace`: `trace(workItemId)` over --trace-items work items (features and stories spread
  over all products); the peer answers the same ids by nesting relations
  (bench/peer/trace.graphql), the floor in one statement. Latency p50/p95 and ratios.

Every answer of the peer and the floor is checked against vsgraph's (same ids), so a
side that answers something else cannot look fast. Then, in this process on the same
store and by the code paths of bench/metrics.py and bench/analysis.py: flow metrics +
CFD, constraints (+ team network + critical path) and the forecast of the largest value
stream (best of --repeat). Cypher round trips per GraphQL request come from the API
process's GraphStore.round_trips; peak memory is VmHWM of the API, database and peer
processes. Prints one table and writes JSON (default bench/results/suite-<scale>.json).
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `bench.metrics` and `bench.analysis` import as modules
sys.path.insert(0, str(ROOT / "bench"))  # ... and they import `demo_stream` as scripts do

import httpx  # noqa: E402 - after the path set-up above
import neo4j  # noqa: E402
from demo_stream import UNTIL  # noqa: E402

from api.runtime import runtime  # noqa: E402
from bench.analysis import TARGET_ANALYSES_S, TARGET_FORECAST_S  # noqa: E402
from bench.metrics import TARGET_S as TARGET_METRICS_S  # noqa: E402
from graph import demo  # noqa: E402
from graph.analysis.forecast import forecast_how_many, forecast_when  # noqa: E402
from graph.analysis.load import ForecastScope, load_stream_work, load_throughput  # noqa: E402
from graph.analysis.stream import (  # noqa: E402
    constraints_of,
    critical_path,
    flow_data,
    median_flow_time,
    team_network,
)
from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase, free_port  # noqa: E402
from graph.db.migrations import prepare  # noqa: E402
from graph.db.store import Connection, GraphStore  # noqa: E402
from graph.ingest.service import STREAM_CHUNK, ingest  # noqa: E402
from graph.metrics.flow import (  # noqa: E402
    FlowQuery,
    Interval,
    ScopeKind,
    Window,
    aging_wip,
    cfd,
    flow_metrics,
    stage_metrics,
)
from graph.metrics.flow_queries import load_flow_data  # noqa: E402
from graph.model import Label  # noqa: E402
from graph.read.entities import COUNT  # noqa: E402

PEER_DIR = ROOT / "bench" / "peer"
FLOOR_DIR = ROOT / "bench" / "floor"
RESULTS_DIR = ROOT / "bench" / "results"
DATABASE = "bench"
SEED = 7
#: Targets of issue 8: vsgraph at least as fast as the peer, at most 1.3x the floor.
TARGET_PEER_RATIO = 1.0
TARGET_FLOOR_RATIO = 1.3
#: The demo's history ends at UNTIL: flow windows end there, not at "now".
WINDOW_END = UNTIL.isoformat().replace("+00:00", "Z")

NESTED = """{ products(first: 500) { edges { node {
  key name valueStreams { key name stages { key name order state } } } } } }"""
NESTED_METRICS = """query($to: DateTime!) { products(first: 500) { edges { node {
  key name valueStreams { key name stages { key name order state }
    flowMetrics(to: $to) { flowVelocity flowLoad flowEfficiency flowTime { medianDays } }
  } } } } }"""
TRACE = """query($id: ID!) { trace(workItemId: $id) {
  item { key } businessLine { key } product { key } ancestors { key } descendants { key }
  pullRequests { key } commits { key } builds { key }
  deployments { deployments { key } } releases { key }
  incidents { incident { key } } feedback { key } } }"""
PEER_NESTED = """{ products(sort: [{ id: ASC }]) { id name
  valueStreams(sort: [{ id: ASC }]) {
    id name stages(sort: [{ order: ASC }]) { id name order state } } } }"""
#: Four lists deep, each paged where the API pages: products, a page of each one's work
#: items, their children, the children's commits (the API has no list of a stage's
#: items, and the schema stays as it is).
DEEP = """{ products(first: 20) { edges { node { key
  workItems(first: 20) { edges { node { key children { key commits { key } } } } } } } } }"""
PEER_DEEP = """{ products(limit: 20, sort: [{ id: ASC }]) { id
  workItems(limit: 20, sort: [{ id: ASC }]) { id
    children(sort: [{ id: ASC }]) { id commits { id } } } } }"""
PEER_TRACE = (PEER_DIR / "trace.graphql").read_text()
FLOOR_NESTED = (FLOOR_DIR / "nested.cypher").read_text()
FLOOR_TRACE = (FLOOR_DIR / "trace.cypher").read_text()
#: Bench-only lookups (not product queries): which items to trace, which stream is largest.
#: (One row each, and the stream's items by where they are now: at a million work items a
#: row per item, or a walk over every visit, takes the embedded database minutes.)
SAMPLE_ITEMS = """MATCH (w:WorkItem) WHERE w:Feature OR w:Story
WITH w.id AS id ORDER BY id RETURN collect(id) AS ids"""
LARGEST_STREAM = """MATCH (v:ValueStream)-[:HAS_STAGE]->(s:Stage)
MATCH (w:WorkItem {currentStage: s.id})
RETURN v.id AS id, count(w) AS items ORDER BY items DESC, id LIMIT 1"""
#: The id sets a trace is compared on (vsgraph's field names).
TRACE_PARTS = (
    "ancestors",
    "descendants",
    "pullRequests",
    "commits",
    "builds",
    "deployments",
    "releases",
    "incidents",
    "feedback",
)


class Mismatch(AssertionError):
    """Raised when the peer or the floor answers something else than vsgraph."""


# ---------------------------------------------------------------- the API child process


def serve_api(data_dir: Path, bolt_port: int, port: int) -> None:
    """Run vsgraph's app on 127.0.0.1:port over the embedded database (the child mode).

    Adds one bench-only route, `GET /bench/round-trips`, reading the app's
    GraphStore.round_trips, so the suite can count Cypher round trips per request.
    """
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from api.app import create_app
    from graph.settings import Settings

    connection = EmbeddedConfig(data_dir, bolt_port, 0, DATABASE).connection()
    app = create_app(Settings(), connection)

    async def round_trips(request: Request) -> JSONResponse:
        return JSONResponse({"round_trips": runtime(request).store.round_trips})

    app.router.routes.append(Route("/bench/round-trips", round_trips, methods=["GET"]))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# ---------------------------------------------------------------- processes and memory


def peak_memory_mib(pid: int) -> float | None:
    """VmHWM (peak resident set) of a running process, in MiB; None if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def ensure_peer_installed() -> None:
    """Install the peer's pinned packages (npm ci, inside bench/peer only) if missing."""
    if (PEER_DIR / "node_modules" / "@neo4j" / "graphql").is_dir():
        return
    print("installing the peer: npm ci in bench/peer", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True)


@contextmanager
def child(command: list[str], log: Path, cwd: Path = ROOT) -> Iterator[subprocess.Popen[bytes]]:
    """A child process writing to `log`, terminated (then killed) on exit."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def wait_http(
    client: httpx.AsyncClient, url: str, process: subprocess.Popen[bytes], log: Path
) -> None:
    """Wait until `url` answers a trivial GraphQL query (or the process dies)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited; see {log}:\n{log.read_text()[-2000:]}")
        try:
            response = await client.post(url, json={"query": "{ __typename }"})
            if response.status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within 120 s; see {log}")


# ---------------------------------------------------------------- the three sides


async def run_cypher(
    driver: neo4j.AsyncDriver, statement: str, **params: Any
) -> list[dict[str, Any]]:
    """Run one statement in a managed read transaction, the rows as dicts."""

    async def work(tx: neo4j.AsyncManagedTransaction) -> list[dict[str, Any]]:
        result = await tx.run(statement, params)
        return [record.data() async for record in result]

    async with driver.session(database=DATABASE) as session:
        return await session.execute_read(work)


@dataclass
class Sides:
    """The three ways of asking the same database, and what they answered."""

    http: httpx.AsyncClient
    api_url: str
    peer_url: str
    driver: neo4j.AsyncDriver

    async def graphql(self, url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post(url, json={"query": query, "variables": variables})
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"{url} answered {response.status_code}: {body}")
        data: dict[str, Any] = body["data"]
        return data

    async def vsgraph(self, query: str, **variables: Any) -> dict[str, Any]:
        return await self.graphql(self.api_url, query, variables)

    async def peer(self, query: str, **variables: Any) -> dict[str, Any]:
        return await self.graphql(self.peer_url, query, variables)

    async def floor(self, statement: str, **params: Any) -> list[dict[str, Any]]:
        return await run_cypher(self.driver, statement, **params)

    async def round_trips(self) -> int:
        response = await self.http.get(self.api_url.replace("/graphql", "/bench/round-trips"))
        return int(response.json()["round_trips"])

    async def trips_of(self, query: str, **variables: Any) -> int:
        before = await self.round_trips()
        await self.vsgraph(query, **variables)
        return await self.round_trips() - before


# What each side answers, normalised to comparable shapes.


def vsgraph_nested(data: dict[str, Any]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    return [
        (p["key"], [(v["key"], [s["key"] for s in v["stages"]]) for v in p["valueStreams"]])
        for p in (e["node"] for e in data["products"]["edges"])
    ]


def peer_nested(data: dict[str, Any]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    return [
        (p["id"], [(v["id"], [s["id"] for s in v["stages"]]) for v in p["valueStreams"]])
        for p in data["products"]
    ]


def floor_nested(rows: list[dict[str, Any]]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    return [
        (r["id"], [(v["id"], [s["id"] for s in v["stages"]]) for v in r["valueStreams"]])
        for r in rows
    ]


Deep = list[tuple[str, list[tuple[str, list[tuple[str, list[str]]]]]]]


def vsgraph_deep(data: dict[str, Any]) -> Deep:
    # Commits in id order: the API gives them by authoredAt, which the peer does not see.
    return [
        (
            p["key"],
            [
                (
                    w["key"],
                    [(c["key"], sorted(m["key"] for m in c["commits"])) for c in w["children"]],
                )
                for w in (e["node"] for e in p["workItems"]["edges"])
            ],
        )
        for p in (e["node"] for e in data["products"]["edges"])
    ]


def peer_deep(data: dict[str, Any]) -> Deep:
    return [
        (
            p["id"],
            [
                (w["id"], [(c["id"], sorted(m["id"] for m in c["commits"])) for c in w["children"]])
                for w in p["workItems"]
            ],
        )
        for p in data["products"]
    ]


def vsgraph_trace(data: dict[str, Any]) -> dict[str, set[str]]:
    t = data["trace"]
    plain = set(TRACE_PARTS) - {"deployments", "incidents"}
    keys = {part: {n["key"] for n in t[part]} for part in plain}
    keys["deployments"] = {d["key"] for e in t["deployments"] for d in e["deployments"]}
    keys["incidents"] = {i["incident"]["key"] for i in t["incidents"]}
    keys["item"] = {t["item"]["key"]}
    keys["product"] = {t["product"]["key"]} if t["product"] else set()
    keys["businessLine"] = {t["businessLine"]["key"]} if t["businessLine"] else set()
    return keys


def peer_trace(data: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {part: set() for part in (*TRACE_PARTS, "product", "businessLine")}
    [root] = data["workItems"]

    def deployment(d: dict[str, Any]) -> None:
        found["deployments"].add(d["id"])
        found["releases"].update(r["id"] for r in d["releases"])
        found["incidents"].update(i["id"] for i in d["incidents"])

    def commit(c: dict[str, Any]) -> None:
        found["commits"].add(c["id"])
        found["builds"].update(b["id"] for b in c["builds"])
        for d in (*c["shippedBy"], *c["deployedBy"]):
            deployment(d)

    def pull(p: dict[str, Any]) -> None:
        found["pullRequests"].add(p["id"])
        for c in (*p["commits"], *p["mergedAs"]):
            commit(c)

    def delivery(w: dict[str, Any]) -> None:
        for p in w["pullRequests"]:
            pull(p)
        for c in w["commits"]:
            commit(c)
            for p in c["pullRequests"]:
                pull(p)
        found["releases"].update(r["id"] for r in w["releases"])
        found["feedback"].update(f["id"] for f in w["feedback"])

    def below(w: dict[str, Any]) -> None:
        for c in w.get("children", []):
            found["descendants"].add(c["id"])
            delivery(c)
            below(c)

    delivery(root)
    below(root)
    # The product is the item's own, else its nearest ancestor's.
    level, chain = root, []
    while level is not None:
        chain.append(level)
        level = level["parents"][0] if level.get("parents") else None
    found["ancestors"] = {w["id"] for w in chain[1:]}
    for w in chain:
        if w["products"]:
            product = w["products"][0]
            found["product"] = {product["id"]}
            found["businessLine"] = {b["id"] for b in product["businessLines"][:1]}
            break
    found["item"] = {root["id"]}
    return found


def floor_trace(rows: list[dict[str, Any]]) -> dict[str, set[str]]:
    [row] = rows
    found = {part: set(row[part]) for part in TRACE_PARTS}
    found["item"] = {row["item"]}
    found["product"] = {row["product"]} if row["product"] else set()
    found["businessLine"] = {row["businessLine"]} if row["businessLine"] else set()
    return found


def same(what: str, side: str, expected: object, got: object) -> None:
    if expected != got:
        raise Mismatch(f"{what}: {side} answered\n  {got}\nbut vsgraph answered\n  {expected}")


# ---------------------------------------------------------------- timing


@dataclass
class Timings:
    """Seconds per run of one query on each side."""

    runs: dict[str, list[float]] = field(default_factory=dict)

    def add(self, side: str, seconds: float) -> None:
        self.runs.setdefault(side, []).append(seconds)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for side, runs in self.runs.items():
            out[side] = {
                "runs": len(runs),
                "p50_ms": round(percentile(runs, 50) * 1000, 2),
                "p95_ms": round(percentile(runs, 95) * 1000, 2),
            }
        mine = out.get("vsgraph")
        for other in ("peer", "floor"):
            if mine and other in out:
                out[f"ratio_{other}_p50"] = round(mine["p50_ms"] / out[other]["p50_ms"], 2)
                out[f"ratio_{other}_p95"] = round(mine["p95_ms"] / out[other]["p95_ms"], 2)
        return out


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (linear interpolation between closest ranks)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(pct) - 1]


async def interleaved(
    rounds: int, sides: dict[str, Callable[[int], Awaitable[object]]], timings: Timings
) -> None:
    """Run `rounds` rounds; in each, every side once, the order rotating per round so no
    side always runs first (right after another side warmed the database's caches)."""
    names = list(sides)
    for i in range(rounds):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            began = time.perf_counter()
            await sides[name](i)
            timings.add(name, time.perf_counter() - began)


# ---------------------------------------------------------------- one scale


async def load(store: GraphStore, scale: int, where: Path) -> dict[str, Any]:
    """Load the demo organisation unless `where` already holds it; the ingest figures."""
    saved = where / "suite-ingest.json"
    if (await store.read(COUNT[Label.PRODUCT]))[0]["total"] > 0:
        if saved.exists():
            figures: dict[str, Any] = json.loads(saved.read_text())
            return {**figures, "reused": True}
        return {"work_items": scale, "reused": True, "records_per_s": None}
    trips = store.round_trips
    records, elapsed, generated = 0, 0.0, 0.0
    stream, _ = demo.generate(demo.DemoConfig(work_items=scale, seed=SEED, until=UNTIL))
    written = 0
    # Generated and loaded a chunk at a time (a million work items do not fit in memory
    # at once); only the loading is timed.
    while True:
        began = time.perf_counter()
        chunk = list(itertools.islice(stream, STREAM_CHUNK))
        generated += time.perf_counter() - began
        if not chunk:
            break
        began = time.perf_counter()
        report = await ingest(store, chunk)
        elapsed += time.perf_counter() - began
        records += len(chunk)
        written += report.written
        print(f"[{scale:,}] {records:,} records loaded", flush=True)
    figures = {
        "work_items": scale,
        "records": records,
        "written": written,
        "generate_s": round(generated, 2),
        "ingest_s": round(elapsed, 2),
        "records_per_s": round(records / elapsed),
        "round_trips": store.round_trips - trips,
    }
    saved.write_text(json.dumps(figures))
    return {**figures, "reused": False}


async def analytics(store: GraphStore, stream: str, repeat: int) -> dict[str, Any]:
    """Flow metrics + CFD, constraints and forecast of `stream`, in this process, by the
    code paths bench/metrics.py and bench/analysis.py time (best of `repeat`)."""
    window = Window(UNTIL - timedelta(days=90), UNTIL)
    query = FlowQuery(ScopeKind.VALUE_STREAM, stream, Window.of(None, None, UNTIL))
    best: dict[str, float] = {}

    def keep(key: str, seconds: float) -> None:
        best[key] = min(best.get(key, seconds), seconds)

    trips: dict[str, int] = {}
    for _ in range(repeat):
        before, began = store.round_trips, time.perf_counter()
        data = await load_flow_data(store, query)
        flow_metrics(data)
        stage_metrics(data)
        cfd(data, Interval.DAY)
        cfd(data, Interval.WEEK)
        aging_wip(data)
        keep("flow_metrics_cfd_s", time.perf_counter() - began)
        trips["flow_metrics_cfd"] = store.round_trips - before

        before, began = store.round_trips, time.perf_counter()
        stream_data = await flow_data(store, stream, window)
        constraints_of(stream, stream_data)
        work = await load_stream_work(store, stream_data)
        await team_network(store, work)
        await critical_path(store, work, window.end, median_flow_time(stream_data))
        keep("constraints_s", time.perf_counter() - began)
        trips["constraints"] = store.round_trips - before

    samples = await load_throughput(store, ForecastScope.VALUE_STREAM, stream, UNTIL, 56)
    items = max(1, round(sum(samples) / len(samples) * 28))
    for _ in range(repeat):
        began = time.perf_counter()
        forecast_when(samples, items, UNTIL)
        forecast_how_many(samples, UNTIL, UNTIL + timedelta(days=28))
        keep("forecast_s", time.perf_counter() - began)
    return {
        "value_stream": stream,
        **{k: round(v, 3) for k, v in best.items()},
        "round_trips": trips,
        "targets_s": {
            "flow_metrics_cfd": TARGET_METRICS_S,
            "constraints": TARGET_ANALYSES_S,
            "forecast": TARGET_FORECAST_S,
        },
    }


async def compare(
    sides: Sides, runs: int, trace_items: list[str], warmup: int, metrics_runs: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check that the three sides agree, then time them; (latency, round trips)."""
    # Same answers first: a broken peer or floor must not look fast.
    expected = vsgraph_nested(await sides.vsgraph(NESTED))
    same("nested", "peer", expected, peer_nested(await sides.peer(PEER_NESTED)))
    same("nested", "floor", expected, floor_nested(await sides.floor(FLOOR_NESTED)))
    deep = vsgraph_deep(await sides.vsgraph(DEEP))
    same("deep", "peer", deep, peer_deep(await sides.peer(PEER_DEEP)))
    for item in trace_items:
        want = vsgraph_trace(await sides.vsgraph(TRACE, id=item))
        same(f"trace {item}", "peer", want, peer_trace(await sides.peer(PEER_TRACE, id=item)))
        same(f"trace {item}", "floor", want, floor_trace(await sides.floor(FLOOR_TRACE, id=item)))

    nested_sides: dict[str, Callable[[int], Awaitable[object]]] = {
        "vsgraph": lambda _: sides.vsgraph(NESTED),
        "peer": lambda _: sides.peer(PEER_NESTED),
        "floor": lambda _: sides.floor(FLOOR_NESTED),
    }
    deep_sides: dict[str, Callable[[int], Awaitable[object]]] = {
        "vsgraph": lambda _: sides.vsgraph(DEEP),
        "peer": lambda _: sides.peer(PEER_DEEP),
    }
    trace_sides: dict[str, Callable[[int], Awaitable[object]]] = {
        "vsgraph": lambda i: sides.vsgraph(TRACE, id=trace_items[i % len(trace_items)]),
        "peer": lambda i: sides.peer(PEER_TRACE, id=trace_items[i % len(trace_items)]),
        "floor": lambda i: sides.floor(FLOOR_TRACE, id=trace_items[i % len(trace_items)]),
    }
    metrics_side: dict[str, Callable[[int], Awaitable[object]]] = {
        "vsgraph": lambda _: sides.vsgraph(NESTED_METRICS, to=WINDOW_END)
    }
    # Warm-up (not timed): every query on every side, the trace over all its items.
    await interleaved(warmup, nested_sides, Timings())
    await interleaved(warmup, deep_sides, Timings())
    await interleaved(min(warmup, metrics_runs), metrics_side, Timings())
    await interleaved(max(warmup, len(trace_items)), trace_sides, Timings())

    latency: dict[str, Any] = {}
    for name, query_sides, rounds in (
        ("nested", nested_sides, runs),
        ("deep", deep_sides, runs),
        ("nested+metrics", metrics_side, metrics_runs),
        ("trace", trace_sides, max(runs, len(trace_items))),
    ):
        timings = Timings()
        await interleaved(rounds, query_sides, timings)
        latency[name] = timings.summary()

    trace_trips = {await sides.trips_of(TRACE, id=item) for item in trace_items}
    trips = {
        "nested": await sides.trips_of(NESTED),
        "deep": await sides.trips_of(DEEP),
        "nested+metrics": await sides.trips_of(NESTED_METRICS, to=WINDOW_END),
        "trace": sorted(trace_trips),
    }
    return latency, trips


async def run_scale(scale: int, where: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Everything the suite measures at one scale."""
    where.mkdir(parents=True, exist_ok=True)
    embedded = EmbeddedDatabase(EmbeddedConfig(where, free_port(), free_port(), DATABASE))
    connection = await embedded.start()
    assert embedded.process is not None
    try:
        store = await GraphStore.open(connection)
        try:
            await prepare(store)
            print(f"[{scale:,}] loading the demo organisation ...", flush=True)
            ingest_figures = await load(store, scale, where)
            print(f"[{scale:,}] ingest: {ingest_figures}", flush=True)
            result = await measure(scale, where, connection, embedded, store, args)
        finally:
            await store.close()
        result["ingest"] = ingest_figures
        result["memory_mib"]["database"] = peak_memory_mib(embedded.process.pid)
        return result
    finally:
        embedded.stop()


async def measure(
    scale: int,
    where: Path,
    connection: Connection,
    embedded: EmbeddedDatabase,
    store: GraphStore,
    args: argparse.Namespace,
) -> dict[str, Any]:
    bolt_port = embedded.config.bolt_port
    api_port, peer_port = free_port(), free_port()
    driver = neo4j.AsyncGraphDatabase.driver(
        connection.uri, auth=(connection.user, connection.password)
    )
    api_command = [sys.executable, str(Path(__file__).resolve()), "--serve-api", str(where)]
    api_command += [str(bolt_port), str(api_port)]
    peer_command = ["node", str(PEER_DIR / "server.mjs"), "--port", str(peer_port)]
    peer_command += ["--bolt", connection.uri, "--database", DATABASE]
    peer_command += ["--password-file", str(where / "password")]
    async with driver:
        [sample] = await run_cypher(driver, SAMPLE_ITEMS)
        ids = sample["ids"]
        step = max(1, len(ids) // args.trace_items)
        trace_items = ids[::step][: args.trace_items]
        [largest] = await run_cypher(driver, LARGEST_STREAM)
        with (
            child(api_command, where / "suite-api.log") as api,
            child(peer_command, where / "suite-peer.log") as peer,
        ):
            async with httpx.AsyncClient(timeout=120) as http:
                sides = Sides(
                    http,
                    f"http://127.0.0.1:{api_port}/graphql",
                    f"http://127.0.0.1:{peer_port}/",
                    driver,
                )
                await wait_http(http, sides.api_url, api, where / "suite-api.log")
                await wait_http(http, sides.peer_url, peer, where / "suite-peer.log")
                print(f"[{scale:,}] comparing vsgraph, peer and floor ...", flush=True)
                metrics_runs = args.metrics_runs or args.runs
                latency, trips = await compare(
                    sides, args.runs, trace_items, args.warmup, metrics_runs
                )
            # Read while the processes still run: /proc/<pid> goes with them.
            memory = {"api": peak_memory_mib(api.pid), "peer": peak_memory_mib(peer.pid)}
    print(f"[{scale:,}] flow metrics, constraints, forecast ...", flush=True)
    analysed = await analytics(store, largest["id"], args.repeat)
    analysed["value_stream_items"] = largest["items"]
    return {
        "work_items": scale,
        "provisional": args.provisional,
        "trace_items": len(trace_items),
        "latency": latency,
        "round_trips_per_request": trips,
        "analytics": analysed,
        "memory_mib": memory,
        "targets": {"ratio_peer": TARGET_PEER_RATIO, "ratio_floor": TARGET_FLOOR_RATIO},
    }


# ---------------------------------------------------------------- output


def table(result: dict[str, Any]) -> str:
    """The figures of one scale as a Markdown table."""
    lines = [
        f"### {result['work_items']:,} work items",
        "",
        "| query | vsgraph p50 / p95 | peer p50 / p95 | floor p50 / p95 "
        "| vsgraph ÷ peer (p50 / p95) | vsgraph ÷ floor (p50 / p95) |",
        "|---|---|---|---|---|---|",
    ]
    trips = result["round_trips_per_request"]
    for name, figures in result["latency"].items():

        def cell(side: str, figures: dict[str, Any] = figures) -> str:
            if side not in figures:
                return "—"
            return f"{figures[side]['p50_ms']:.1f} / {figures[side]['p95_ms']:.1f} ms"

        def ratio(other: str, figures: dict[str, Any] = figures) -> str:
            if f"ratio_{other}_p50" not in figures:
                return "—"
            return f"{figures[f'ratio_{other}_p50']:.2f}x / {figures[f'ratio_{other}_p95']:.2f}x"

        runs = figures["vsgraph"]["runs"]
        counts = trips[name] if isinstance(trips[name], list) else [trips[name]]
        count = " to ".join(str(c) for c in sorted({min(counts), max(counts)}))
        trips_word = "round trip" if max(counts) == 1 else "round trips"
        lines.append(
            f"| `{name}` ({runs} runs, {count} {trips_word}) | {cell('vsgraph')} "
            f"| {cell('peer')} | {cell('floor')} | {ratio('peer')} | {ratio('floor')} |"
        )
    ingest_figures, analysed, memory = result["ingest"], result["analytics"], result["memory_mib"]
    rate = ingest_figures.get("records_per_s")
    lines += [
        "",
        "| measure | figure |",
        "|---|---|",
        f"| ingest | {rate:,} records/s ({ingest_figures.get('records', 0):,} records in "
        f"{ingest_figures.get('ingest_s')} s, {ingest_figures.get('round_trips')} round trips) |"
        if rate
        else "| ingest | (database reused, not measured) |",
        f"| flow metrics + CFD, largest stream ({analysed['value_stream']}, "
        f"{analysed['value_stream_items']:,} items) | {analysed['flow_metrics_cfd_s']} s "
        f"({analysed['round_trips']['flow_metrics_cfd']} round trips) |",
        f"| constraints + team network + critical path | {analysed['constraints_s']} s "
        f"({analysed['round_trips']['constraints']} round trips) |",
        f"| forecast (when + how many, 10,000 trials each) | {analysed['forecast_s']} s |",
        f"| peak memory (VmHWM): API / database / peer | {memory['api']} / "
        f"{memory['database']} / {memory['peer']} MiB |",
    ]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    ensure_peer_installed()
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="vsg-suite-") as tmp:
            where = args.keep / f"scale-{scale}" if args.keep else Path(tmp)
            result = await run_scale(scale, where, args)
        out = args.out or RESULTS_DIR / f"suite-{scale}.json"
        if args.out and len(args.scales) > 1:
            out = args.out.with_name(f"{args.out.stem}-{scale}{args.out.suffix}")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(table(result))
        print(f"\nwritten to {out}", flush=True)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve-api":
        # The API child process: bench/suite.py --serve-api DATA_DIR BOLT_PORT PORT
        serve_api(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        epilog="See docs/performance.md for the figures and how to read them.",
    )
    parser.add_argument(
        "--scales",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[10_000],
        help="comma-separated work-item counts (default 10000; e.g. 10000,100000)",
    )
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep each scale's database in DIR/scale-N"
    )
    parser.add_argument("--runs", type=int, default=30, help="timed runs per side (default 30)")
    parser.add_argument(
        "--metrics-runs",
        type=int,
        help="timed runs of nested+metrics (default: --runs; each reads the flow history "
        "of every value stream, some seconds at 1,000,000 work items)",
    )
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs first (default 5)")
    parser.add_argument(
        "--trace-items", type=int, default=40, help="work items traced (default 40)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the analytics (best is kept)"
    )
    parser.add_argument("--out", type=Path, help="JSON path (default bench/results/suite-N.json)")
    parser.add_argument(
        "--provisional",
        action="store_true",
        help="mark the figures as taken on a busy machine",
    )
    args = parser.parse_args()
    if shutil.which("node") is None or shutil.which("npm") is None:
        parser.error("the peer needs node and npm on PATH")
    os.environ.setdefault("NODE_ENV", "production")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
