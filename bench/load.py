"""Load: concurrent readers and writers against the real API over loopback HTTP.

    .venv/bin/python bench/load.py [--duration 30] [--readers 8] [--writers 2]
                                   [--scale 500] [--seed 7] [--keep DIR]

Loads a demo organisation into a fresh embedded database (or reuses --keep DIR), serves
the app with `vsg serve` in a child process on 127.0.0.1 (its own process, as deployed),
and for --duration seconds drives it with httpx:

- readers cycle through a GraphQL `trace` of a random feature or story, the flow and
  stage metrics of a random value stream, DORA of a random product, the explorer's
  `neighbourhood` of a random node, and `GET /export/flow.json`;
- writers alternate `POST /ingest` of new stories (each with its parent feature, its
  product and three state changes) and signed GitHub `push` webhooks of new commits
  that name a story the writer wrote before.

Prints, per operation and overall, the count, requests per second, p50/p95/p99 latency
and errors (non-2xx or GraphQL errors, the first few bodies shown). Once the server has
stopped, every write it accepted is looked up in the graph by the ids it created; the
missing or wrong ones are listed as lost writes. Exits 1 on any error or lost write.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from graph import demo
from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase, free_port
from graph.db.migrations import prepare
from graph.db.store import Connection, GraphStore
from graph.ingest.records import NodeRecord, Record
from graph.ingest.service import ingest
from graph.metrics.stats import percentile
from graph.model import Label, Traversal
from graph.read.entities import COUNT, nodes_by_ids
from graph.read.relations import follow
from graph.settings import EMBEDDED_READS_AT_ONCE
from graph.tokens import Role, create_token

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The demo's history ends here, so a kept database matches the ids generated again.
UNTIL = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW_DAYS = 90
#: The GitHub repository the webhook writers push to (created by the first push).
PUSH_REPO = {"full_name": "vsgraph-load/bench", "html_url": "https://github.com/vsgraph-load/bench"}
PUSH_REPO_ID = "github.com/vsgraph-load/bench"
ERRORS_SHOWN = 5

TRACE = """
query($id: ID!) {
  trace(workItemId: $id) {
    item { key kind title }
    businessLine { key }
    product { key }
    ancestors { key kind }
    descendants { key kind }
    pullRequests { key mergedAt }
    commits { key authoredAt }
    deployments { environment deployments { key status finishedAt } }
    releases { key releasedAt }
    incidents { incident { key severity } cause { deployment { key } inferred } }
    feedback { key sentiment }
    milestones { name at }
    durations { start end hours }
  }
}
"""
FLOW = """
query($id: ID!, $from: DateTime, $to: DateTime) {
  node(id: $id) {
    ... on ValueStream {
      flowMetrics(from: $from, to: $to) {
        flowVelocity flowEfficiency flowLoad flowLoadDailyMean
        flowTime { count medianDays p85Days meanDays }
      }
      stageMetrics(from: $from, to: $to) {
        stage { key } wip arrivals departures flowTimeShare
        timeInStage { medianDays p85Days }
      }
    }
  }
}
"""
DORA = """
query($id: ID!, $from: DateTime, $to: DateTime) {
  node(id: $id) {
    ... on Product {
      dora(from: $from, to: $to) {
        deploymentFrequency { deployments perDay level }
        leadTime { changes medianHours p85Hours level }
        changeFailureRate { deployments failed rate level }
        timeToRestore { incidents medianHours level }
      }
    }
  }
}
"""
NEIGHBOURHOOD = """
query($id: ID!) {
  neighbourhood(id: $id, first: 50) {
    node { id key }
    nodes { id key }
    edges { id type start end }
    hasNextPage endCursor
  }
}
"""

PARENT = Traversal.WORK_ITEM_PARENT
PRODUCT = Traversal.WORK_ITEM_PRODUCT
VISITS = Traversal.WORK_ITEM_VISITS
COMMIT_REPOSITORY = Traversal.COMMIT_REPOSITORY
COMMIT_WORK_ITEMS = Traversal.COMMIT_WORK_ITEMS


# ---------------------------------------------------------------------------------------
# What the load reads and writes: ids from the demo organisation.


@dataclass(frozen=True)
class Targets:
    """Ids of the loaded demo the readers pick from and the writers attach to."""

    #: features and stories (trace)
    work_items: list[str]
    #: every node as a GraphQL global id `Label:id` (neighbourhood)
    nodes: list[str]
    value_streams: list[str]
    products: list[str]
    #: product id -> its key (`PAY`), value stream stage ids in order, its features
    product_keys: dict[str, str]
    stages: dict[str, list[str]]
    features: dict[str, list[str]]
    window: tuple[datetime, datetime]


def _targets(records: Sequence[Record], truth: demo.DemoTruth) -> Targets:
    nodes: list[str] = []
    work_items: list[str] = []
    keys: dict[str, str] = {}
    features: dict[str, list[str]] = defaultdict(list)
    for r in records:
        if not isinstance(r, NodeRecord):
            continue
        nodes.append(f"{r.label}:{r.id}")
        if r.label is Label.PRODUCT:
            keys[r.id] = str(r.properties["key"])
        if r.kind is not None and r.kind.value in ("Feature", "Story"):
            work_items.append(r.id)
    by_key = {key: product for product, key in keys.items()}
    for r in records:
        if isinstance(r, NodeRecord) and r.kind is not None and r.kind.value == "Feature":
            features[by_key[r.id.split("-")[0]]].append(r.id)
    stream_of = {vs: p for p, vs in zip(truth.products, truth.value_streams, strict=True)}
    stages = {stream_of[vs]: ids for vs, ids in truth.stages.items()}
    return Targets(
        work_items=work_items,
        nodes=nodes,
        value_streams=list(truth.value_streams),
        products=[p for p in truth.products if features[p]],
        product_keys=keys,
        stages=stages,
        features=dict(features),
        window=(truth.until - timedelta(days=WINDOW_DAYS), truth.until),
    )


async def load_targets(store: GraphStore, scale: int, seed: int) -> Targets:
    """Load the demo organisation unless the database holds one; the ids to use."""
    stream, truth = demo.generate(demo.DemoConfig(work_items=scale, seed=seed, until=UNTIL))
    records = list(stream)
    if (await store.read(COUNT[Label.PRODUCT]))[0]["total"] == 0:
        await ingest(store, records)
    return _targets(records, truth)


# ---------------------------------------------------------------------------------------
# Serving the app in a child process.


@asynccontextmanager
async def serving(connection: Connection, secret: str, log: Path) -> AsyncIterator[str]:
    """`vsg serve` on a free loopback port, on `connection`; yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VSG_")}
    env.update(
        VSG_NEO4J_URI=connection.uri,
        VSG_NEO4J_USER=connection.user,
        VSG_NEO4J_PASSWORD=connection.password,
        VSG_NEO4J_DATABASE=connection.database,
        VSG_GITHUB_WEBHOOK_SECRET=secret,
        VSG_HOST="127.0.0.1",
        VSG_PORT=str(port),
        # As exposed off loopback: every request carries a token and is checked.
        VSG_AUTH="required",
        # The database is the embedded one, reached as a Neo4j would be: its default.
        VSG_READ_CONCURRENCY=str(EMBEDDED_READS_AT_ONCE),
    )
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            await _until_healthy(base, child, log)
            yield base
        finally:
            child.terminate()
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


async def _until_healthy(base: str, child: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(base_url=base, timeout=2) as client:
        while time.monotonic() < deadline:
            if child.poll() is not None:
                break
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"the server did not become healthy at {base}:\n{tail}")


# ---------------------------------------------------------------------------------------
# The load.


@dataclass
class Recorder:
    """Latencies and errors per operation kind."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)

    async def time(self, kind: str, request: Awaitable[httpx.Response]) -> httpx.Response | None:
        """Await one request; record its latency, and an error unless it succeeded."""
        began = time.perf_counter()
        try:
            response = await request
        except httpx.HTTPError as error:
            self.latencies[kind].append(time.perf_counter() - began)
            self._error(kind, f"{type(error).__name__}: {error}")
            return None
        self.latencies[kind].append(time.perf_counter() - began)
        failed = not response.is_success
        if not failed and kind.startswith("graphql"):
            body = response.json()
            failed = bool(body.get("errors")) or body.get("data") is None
        if failed:
            self._error(kind, f"{response.status_code} {response.text[:300]}")
            return None
        return response

    def _error(self, kind: str, text: str) -> None:
        self.errors[kind] += 1
        if len(self.samples) < ERRORS_SHOWN:
            self.samples.append(f"{kind}: {text}")


@dataclass
class Written:
    """What the accepted writes created, to be found in the graph afterwards."""

    #: story id -> (parent feature, product, stage ids entered in order)
    stories: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)
    #: commit sha -> the story key its message names (None: none)
    commits: dict[str, str | None] = field(default_factory=dict)


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def reader(
    client: httpx.AsyncClient, targets: Targets, n: int, deadline: float, rec: Recorder
) -> None:
    """Cycle through the read operations (starting at a different one per reader)."""
    pick = random.Random(n).choice
    start, end = (_stamp(t) for t in targets.window)

    def graphql(query: str, **variables: object) -> Awaitable[httpx.Response]:
        return client.post("/graphql", json={"query": query, "variables": variables})

    operations: list[tuple[str, Callable[[], Awaitable[httpx.Response]]]] = [
        ("graphql trace", lambda: graphql(TRACE, id=pick(targets.work_items))),
        (
            "graphql flow",
            lambda: graphql(
                FLOW, id=f"ValueStream:{pick(targets.value_streams)}", **{"from": start, "to": end}
            ),
        ),
        (
            "graphql dora",
            lambda: graphql(
                DORA, id=f"Product:{pick(targets.products)}", **{"from": start, "to": end}
            ),
        ),
        ("graphql neighbourhood", lambda: graphql(NEIGHBOURHOOD, id=pick(targets.nodes))),
        (
            "export flow.json",
            lambda: client.get(
                "/export/flow.json",
                params={"valueStream": pick(targets.value_streams), "from": start, "to": end},
            ),
        ),
    ]
    i = n
    while time.perf_counter() < deadline:
        kind, request = operations[i % len(operations)]
        await rec.time(kind, request())
        i += 1


def _stories(
    targets: Targets, run: int, w: int, i: int, size: int, rnd: random.Random
) -> tuple[bytes, dict[str, tuple[str, str, list[str]]]]:
    """An NDJSON batch of `size` new stories, and what each should be in the graph."""
    lines: list[dict[str, Any]] = []
    made: dict[str, tuple[str, str, list[str]]] = {}
    for s in range(size):
        product = rnd.choice(targets.products)
        feature = rnd.choice(targets.features[product])
        # Unique across writers, batches and (by the random run number) runs; a number
        # with no leading zero, so it is an issue key that commit messages can name.
        key = f"{targets.product_keys[product]}-9{run:04d}{w:02d}{i:05d}{s:02d}"
        stages = targets.stages[product][:3]
        created = targets.window[1] - timedelta(days=rnd.uniform(2, 30))
        lines.append(
            {
                "record": "node",
                "label": "Story",
                "id": key,
                "properties": {"title": f"Load test story {key}", "createdAt": _stamp(created)},
            }
        )
        lines.append(
            {
                "record": "relationship",
                "type": "PARENT_OF",
                "from": {"label": "Feature", "id": feature},
                "to": {"label": "Story", "id": key},
                "properties": {},
            }
        )
        lines.append(
            {
                "record": "relationship",
                "type": "FOR_PRODUCT",
                "from": {"label": "Story", "id": key},
                "to": {"label": "Product", "id": product},
                "properties": {},
            }
        )
        for hours, stage in enumerate(stages, start=1):
            at = created + timedelta(hours=hours * 7)
            lines.append({"record": "state", "item": key, "stage": stage, "at": _stamp(at)})
        made[key] = (feature, product, stages)
    body = "\n".join(json.dumps(line) for line in lines) + "\n"
    return body.encode(), made


def _push(run: int, w: int, i: int, before: str | None, story: str | None) -> dict[str, Any]:
    shas = [hashlib.sha1(f"{run}-{w}-{i}-{c}".encode()).hexdigest() for c in range(2)]
    at = UNTIL - timedelta(days=1)
    return {
        "ref": "refs/heads/main",
        "before": before or "0" * 40,
        "after": shas[-1],
        "forced": False,
        "repository": PUSH_REPO,
        "commits": [
            {
                "id": sha,
                "message": f"{story or 'chore'}: load test change {c}",
                "timestamp": _stamp(at + timedelta(minutes=c)),
                "url": f"{PUSH_REPO['html_url']}/commit/{sha}",
                "author": {"name": "Load Bench", "username": "load-bench"},
            }
            for c, sha in enumerate(shas)
        ],
    }


async def writer(
    client: httpx.AsyncClient,
    targets: Targets,
    w: int,
    deadline: float,
    rec: Recorder,
    written: Written,
    options: LoadOptions,
) -> None:
    """Alternate an NDJSON ingest of new stories and a signed push webhook."""
    rnd = random.Random(1000 + w)
    before: str | None = None
    story: str | None = None
    i = 0
    while time.perf_counter() < deadline:
        body, made = _stories(targets, options.run, w, i, options.stories_per_batch, rnd)
        response = await rec.time(
            "POST /ingest",
            client.post("/ingest", content=body, headers={"Content-Type": "application/x-ndjson"}),
        )
        if response is not None:
            written.stories.update(made)
            story = next(iter(made))
        if time.perf_counter() >= deadline:
            break
        payload = _push(options.run, w, i, before, story)
        data = json.dumps(payload).encode()
        digest = hmac.new(options.secret.encode(), data, hashlib.sha256).hexdigest()
        headers = {
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": f"load-{options.run}-{w}-{i}",
            "X-Hub-Signature-256": f"sha256={digest}",
            "Content-Type": "application/json",
        }
        response = await rec.time(
            "POST /webhooks/github",
            client.post("/webhooks/github", content=data, headers=headers),
        )
        if response is not None:
            for commit in payload["commits"]:
                written.commits[commit["id"]] = story
            before = payload["after"]
        i += 1


@dataclass(frozen=True)
class LoadOptions:
    """How hard and how long to load."""

    duration: float = 30.0
    readers: int = 8
    writers: int = 2
    stories_per_batch: int = 5
    #: Makes this run's new ids unique among runs on one (kept) database.
    run: int = field(default_factory=lambda: random.randrange(10_000))
    secret: str = field(default_factory=lambda: secrets.token_hex(16), repr=False)


@dataclass(frozen=True)
class Figures:
    """One operation kind's (or all operations') figures; latencies in milliseconds."""

    count: int
    per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int


@dataclass(frozen=True)
class LoadResult:
    """The figures of one load run and what verification found."""

    options: LoadOptions
    elapsed_s: float
    figures: dict[str, Figures]
    total: Figures
    error_samples: list[str]
    stories_written: int
    commits_written: int
    lost: list[str]

    @property
    def failed(self) -> bool:
        """Whether any request failed or any accepted write is missing."""
        return self.total.errors > 0 or bool(self.lost)


def _figures(latencies: Sequence[float], errors: int, elapsed: float) -> Figures:
    def ms(p: float) -> float:
        return round((percentile(latencies, p) or 0.0) * 1000, 1)

    return Figures(
        count=len(latencies),
        per_s=round(len(latencies) / elapsed, 1),
        p50_ms=ms(0.50),
        p95_ms=ms(0.95),
        p99_ms=ms(0.99),
        max_ms=round(max(latencies, default=0.0) * 1000, 1),
        errors=errors,
    )


async def _tokens(connection: Connection, readers: int) -> tuple[list[str], str]:
    """A viewer's token for each reader (each is a client of its own, as so many
    dashboard users are: the server shares its work between clients) and an editor's
    for the writers."""
    store = await GraphStore.open(connection)
    try:
        await prepare(store)
        viewers = [
            (await create_token(store, f"bench/load.py reader {n}", Role.VIEWER)).secret
            for n in range(readers)
        ]
        editor = await create_token(store, "bench/load.py writers", Role.EDITOR)
    finally:
        await store.close()
    return viewers, editor.secret


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def run_load(connection: Connection, targets: Targets, options: LoadOptions) -> LoadResult:
    """Serve the app on `connection`, load it for `options.duration`, verify the writes."""
    rec, written = Recorder(), Written()
    viewers, editor = await _tokens(connection, options.readers)
    with tempfile.TemporaryDirectory() as tmp:
        async with serving(connection, options.secret, Path(tmp) / "serve.log") as base:
            writers_pool = httpx.Limits(max_connections=options.writers)
            async with AsyncExitStack() as clients:
                readers = [
                    await clients.enter_async_context(
                        httpx.AsyncClient(base_url=base, timeout=60, headers=_bearer(secret))
                    )
                    for secret in viewers
                ]
                writers = await clients.enter_async_context(
                    httpx.AsyncClient(
                        base_url=base, timeout=60, limits=writers_pool, headers=_bearer(editor)
                    )
                )
                began = time.perf_counter()
                deadline = began + options.duration
                await asyncio.gather(
                    *(reader(c, targets, n, deadline, rec) for n, c in enumerate(readers)),
                    *(
                        writer(writers, targets, w, deadline, rec, written, options)
                        for w in range(options.writers)
                    ),
                )
                elapsed = time.perf_counter() - began
    every = [t for values in rec.latencies.values() for t in values]
    figures = {
        kind: _figures(values, rec.errors[kind], elapsed)
        for kind, values in sorted(rec.latencies.items())
    }
    total = _figures(every, sum(rec.errors.values()), elapsed)
    # Shown before the check, which may have to wait for the database (below).
    print(f"load done in {elapsed:.1f} s:", flush=True)
    for line in [*(_row(kind, f) for kind, f in figures.items()), _row("all", total)]:
        print(line, flush=True)
    # The server has stopped: what it accepted must be in the database now.
    store = await _open_when_idle(connection)
    try:
        lost = await verify(store, written)
    finally:
        await store.close()
    return LoadResult(
        options=options,
        elapsed_s=round(elapsed, 2),
        figures=figures,
        total=total,
        error_samples=rec.samples,
        stories_written=len(written.stories),
        commits_written=len(written.commits),
        lost=lost,
    )


async def _open_when_idle(connection: Connection, patience: float = 600) -> GraphStore:
    """The store, once the database takes queries again: the embedded one finishes the
    reads the server abandoned at their timeout, and refuses new ones while its query
    queue is full ("Retry later")."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return await GraphStore.open(connection)
        except Exception as error:  # the driver's TransientError; bench/ imports no neo4j
            if "Retry later" not in str(error) or time.monotonic() > deadline:
                raise
            print("the database is still busy with abandoned reads; waiting", flush=True)
            await asyncio.sleep(10)


async def verify(store: GraphStore, written: Written) -> list[str]:
    """What of the accepted writes the graph lacks or holds otherwise, one line each."""
    lost: list[str] = []
    stories = list(written.stories)
    found = await nodes_by_ids(store, Label.WORK_ITEM, stories)
    parents = await follow(store, PARENT, stories)
    products = await follow(store, PRODUCT, stories)
    visits = await follow(store, VISITS, stories)
    for key, node, parent, product, visit in zip(
        stories, found, parents, products, visits, strict=True
    ):
        feature, product_id, stages = written.stories[key]
        if node is None or node.kind is None or node.kind.value != "Story":
            lost.append(f"Story {key}: not in the graph")
            continue
        if [p.node.id for p in parent] != [feature]:
            lost.append(f"Story {key}: parent {[p.node.id for p in parent]}, not [{feature}]")
        if [p.node.id for p in product] != [product_id]:
            lost.append(f"Story {key}: product {[p.node.id for p in product]}, not [{product_id}]")
        entered = [v.node.id for v in visit]
        open_ = [v.node.id for v in visit if v.rel.get("exitedAt") is None]
        if entered != stages or open_ != stages[-1:]:
            lost.append(f"Story {key}: visits {entered} (open {open_}), not {stages}")
    shas = list(written.commits)
    commits = await nodes_by_ids(store, Label.COMMIT, shas)
    repos = await follow(store, COMMIT_REPOSITORY, shas)
    implements = await follow(store, COMMIT_WORK_ITEMS, shas)
    for sha, commit, repo, items in zip(shas, commits, repos, implements, strict=True):
        story = written.commits[sha]
        if commit is None:
            lost.append(f"Commit {sha}: not in the graph")
            continue
        if [r.node.id for r in repo] != [PUSH_REPO_ID]:
            lost.append(f"Commit {sha}: repository {[r.node.id for r in repo]}")
        if story is not None and story not in [i.node.id for i in items]:
            lost.append(f"Commit {sha}: does not implement {story}")
    return lost


# ---------------------------------------------------------------------------------------
# The command.


def _row(name: str, f: Figures) -> str:
    return (
        f"{name:<24}{f.count:>7,}{f.per_s:>9.1f}{f.p50_ms:>9.1f}{f.p95_ms:>9.1f}"
        f"{f.p99_ms:>9.1f}{f.max_ms:>9.1f}{f.errors:>7,}"
    )


def render(result: LoadResult, scale: int) -> list[str]:
    """The table and the verdict lines a person reads."""
    o = result.options
    out = [
        f"{o.readers} readers + {o.writers} writers for {o.duration:g} s "
        f"({result.elapsed_s} s with the last requests), demo scale {scale:,}, "
        f"{os.cpu_count()} cores",
        f"{'operation':<24}{'count':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}{'errors':>7}",
    ]
    out += [_row(kind, f) for kind, f in result.figures.items()]
    out.append(_row("all", result.total))
    out += [f"  error: {sample}" for sample in result.error_samples]
    out.append(
        f"accepted writes: {result.stories_written:,} stories, {result.commits_written:,} commits"
    )
    out.append(f"lost writes: {len(result.lost)}")
    out += [f"  lost: {line}" for line in result.lost[:20]]
    return out


def as_json(result: LoadResult, scale: int) -> dict[str, object]:
    """The figures as one JSON object."""
    o = result.options
    return {
        "scale": scale,
        "duration_s": o.duration,
        "readers": o.readers,
        "writers": o.writers,
        "stories_per_batch": o.stories_per_batch,
        "elapsed_s": result.elapsed_s,
        "operations": {kind: vars(f) for kind, f in result.figures.items()},
        "all": vars(result.total),
        "errors": result.total.errors,
        "stories_written": result.stories_written,
        "commits_written": result.commits_written,
        "lost_writes": len(result.lost),
        "cores": os.cpu_count(),
    }


async def main_async(args: argparse.Namespace) -> LoadResult:
    """Start (or reuse) the embedded database, load the demo and run the load."""
    options = LoadOptions(
        duration=args.duration,
        readers=args.readers,
        writers=args.writers,
        stories_per_batch=args.stories_per_batch,
    )
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        embedded = EmbeddedDatabase(EmbeddedConfig(where, free_port(), free_port(), "bench"))
        connection = await embedded.start()
        try:
            store = await GraphStore.open(connection)
            try:
                await prepare(store)
                began = time.perf_counter()
                targets = await load_targets(store, args.scale, args.seed)
                print(f"demo ready in {time.perf_counter() - began:.1f} s", flush=True)
            finally:
                await store.close()
            return await run_load(connection, targets, options)
        finally:
            embedded.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds (default 30)")
    parser.add_argument("--readers", type=int, default=8, help="reader tasks (default 8)")
    parser.add_argument("--writers", type=int, default=2, help="writer tasks (default 2)")
    parser.add_argument(
        "--stories-per-batch", type=int, default=5, help="new stories per ingest (default 5)"
    )
    parser.add_argument("--scale", type=int, default=500, help="demo work items (default 500)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep the database in DIR and reuse it"
    )
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    for line in render(result, args.scale):
        print(line)
    print(json.dumps(as_json(result, args.scale)))
    sys.exit(1 if result.failed else 0)


if __name__ == "__main__":
    main()
