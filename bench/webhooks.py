"""Webhook latency: single deliveries into a large graph, through the real app.

    .venv/bin/python bench/webhooks.py [--scale 100000] [--deliveries 300] [--seed 7]
    .venv/bin/python bench/webhooks.py --database /tmp/vsg-pages-1m/scale-1000000

Loads a demo organisation of `--scale` work items into a fresh embedded database (or, with
`--database DIR`, uses the embedded database kept in DIR by bench/suite.py or
bench/pages.py as it is, and writes the deliveries into it: use a copy), then
sends `--deliveries` webhook deliveries one at a time through the ASGI app (signature
checks, conversion, validation, the write, the derivations), in turn:

- a Jira `jira:issue_updated` moving an existing demo story (with its stored history) to
  another status of its stream, at a time after its last move;
- a GitHub `push` of one commit on top of the previous one;
- a GitHub `deployment_status` (success) of the commit pushed last.

Prints p50/p95/p99 per kind and over all (target: p95 < 100 ms at 100,000 work items).
Loading is timed apart: it is not a delivery.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from api.runtime import runtime
from graph import demo
from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase, free_port
from graph.db.migrations import prepare
from graph.db.queries import parse
from graph.db.store import GraphStore
from graph.ingest.records import NodeRecord
from graph.ingest.service import ingest_stream
from graph.model import Label, WorkItemKind
from graph.settings import Settings

TARGET_P95_MS = 100.0
GITHUB_SECRET, JIRA_SECRET = "bench-github", "bench-jira"
REPO = {"full_name": "acme/bench", "html_url": "https://github.com/acme/bench"}
UNTIL = datetime(2026, 1, 1, tzinfo=UTC)
#: Bench-only lookups in a kept database (what to move): the payments stream's stories
#: and the tool states its stages map.
KEPT_STORIES = parse(
    "kept_stories",
    """// cardinality: one
MATCH (s:Stage) WHERE s.id STARTS WITH 'pay-'
    WITH collect(s.id) AS stages
    UNWIND stages AS stage
    MATCH (w:Story {currentStage: stage}) WHERE w.id STARTS WITH 'PAY-'
    RETURN collect(w.id)[0..5000] AS items""",
)
KEPT_STATES = parse(
    "kept_states",
    """// cardinality: one
MATCH (s:Stage) WHERE s.id STARTS WITH 'pay-'
    UNWIND s.states AS state
    RETURN collect(DISTINCT state) AS states""",
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _signed(body: bytes) -> str:
    return "sha256=" + hmac.new(GITHUB_SECRET.encode(), body, hashlib.sha256).hexdigest()


class Deliveries:
    """The payloads, made from the demo's items and stages."""

    def __init__(self, items: list[str], states: list[str], seed: int) -> None:
        self.rnd = random.Random(seed)
        self.items, self.states = items, states
        self.clock = UNTIL + timedelta(days=1)
        self.parent = "0" * 40
        self.count = 0

    def _tick(self) -> datetime:
        self.clock += timedelta(minutes=7)
        return self.clock

    def jira(self) -> dict[str, Any]:
        key = self.rnd.choice(self.items)
        to = self.rnd.choice(self.states)
        at = self._tick()
        issue = {
            "key": key,
            "fields": {
                "summary": f"Item {key}",
                "issuetype": {"name": "Story"},
                "created": "2025-06-01T09:00:00.000+0000",
                "status": {"name": to},
                "project": {"key": key.split("-")[0]},
            },
        }
        return {
            "webhookEvent": "jira:issue_updated",
            "timestamp": int(at.timestamp() * 1000),
            "issue": issue,
            "changelog": {"items": [{"field": "status", "fromString": "", "toString": to}]},
        }

    def push(self) -> dict[str, Any]:
        self.count += 1
        sha = hashlib.sha1(f"bench-{self.count}".encode()).hexdigest()
        payload = {
            "ref": "refs/heads/main",
            "before": self.parent,
            "after": sha,
            "forced": False,
            "repository": REPO,
            "commits": [
                {
                    "id": sha,
                    "message": f"{self.rnd.choice(self.items)} change {self.count}",
                    "timestamp": self._tick().isoformat(),
                    "url": f"https://github.com/acme/bench/commit/{sha}",
                    "author": {"name": "Ben", "username": "ben"},
                }
            ],
        }
        self.parent = sha
        return payload

    def deployment_status(self) -> dict[str, Any]:
        at = self._tick()
        deployment = {
            "id": self.count,
            "sha": self.parent,
            "ref": "main",
            "environment": "production",
            "created_at": at.isoformat(),
            "updated_at": at.isoformat(),
            "url": f"https://api.github.com/repos/acme/bench/deployments/{self.count}",
        }
        return {
            "action": "created",
            "deployment_status": {"state": "success", "created_at": at.isoformat()},
            "deployment": deployment,
            "repository": REPO,
        }


async def _send(client: httpx.AsyncClient, kind: str, payload: dict[str, Any]) -> float:
    body = json.dumps(payload).encode()
    if kind == "jira":
        url, headers = "/webhooks/jira", {"X-Vsg-Webhook-Secret": JIRA_SECRET}
    else:
        event = "push" if kind == "push" else "deployment_status"
        url = "/webhooks/github"
        headers = {"X-GitHub-Event": event, "X-Hub-Signature-256": _signed(body)}
    began = time.perf_counter()
    response = await client.post(url, content=body, headers=headers)
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{kind}: {response.status_code} {response.text[:300]}")
    return elapsed


async def run(scale: int, deliveries: int, seed: int, kept: Path | None) -> dict[str, Any]:
    items: list[str] = []
    states: set[str] = set()

    def watch(stream: Any) -> Any:
        for record in stream:
            if isinstance(record, NodeRecord):
                if record.kind is WorkItemKind.STORY and record.id.startswith("PAY-"):
                    items.append(record.id)
                elif record.label is Label.STAGE and record.id.startswith("pay-"):
                    states.update(record.properties.get("states") or [])
            yield record

    with tempfile.TemporaryDirectory() as tmp:
        # "bench": the database's name here and in those bench/suite.py keeps.
        where = kept or Path(tmp)
        embedded = EmbeddedDatabase(EmbeddedConfig(where, free_port(), free_port(), "bench"))
        connection = await embedded.start()
        try:
            store = await GraphStore.open(connection)
            await prepare(store)
            began = time.perf_counter()
            if kept is None:
                demo_config = demo.DemoConfig(work_items=scale, seed=seed, until=UNTIL)
                records, _ = demo.generate(demo_config)
                loaded_records = (await ingest_stream(store, watch(records))).records
            else:
                [found] = await store.read(KEPT_STORIES)
                items += sorted(found["items"])
                states.update((await store.read(KEPT_STATES))[0]["states"])
                loaded_records = 0
            load_s = time.perf_counter() - began
            await store.close()
            settings = Settings(
                github_webhook_secret=GITHUB_SECRET, jira_webhook_secret=JIRA_SECRET
            )
            app = create_app(settings, connection)
            times: dict[str, list[float]] = {"jira": [], "push": [], "deployment_status": []}
            trips: dict[str, list[int]] = {kind: [] for kind in times}
            made = Deliveries(items, sorted(states), seed)
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://127.0.0.1"
                ) as client:
                    served: GraphStore = runtime(app).store
                    for n in range(deliveries):
                        kind = ("jira", "push", "deployment_status")[n % 3]
                        payload = getattr(made, kind)()
                        before = served.round_trips
                        times[kind].append(await _send(client, kind, payload))
                        trips[kind].append(served.round_trips - before)
        finally:
            embedded.stop()
    every = [t for values in times.values() for t in values]
    result: dict[str, Any] = {
        "work_items": scale,
        "database": str(kept) if kept else "fresh",
        "records_loaded": loaded_records,
        "load_s": round(load_s, 1),
        "deliveries": len(every),
    }
    for kind, values in {**times, "all": every}.items():
        result[f"{kind}_p50_ms"] = round(statistics.median(values), 1)
        result[f"{kind}_p95_ms"] = round(_percentile(values, 0.95), 1)
        result[f"{kind}_p99_ms"] = round(_percentile(values, 0.99), 1)
        if kind in trips:
            result[f"{kind}_round_trips"] = round(statistics.mean(trips[kind]), 1)
    result["target_p95_ms"] = TARGET_P95_MS
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="work items (default 100000)")
    parser.add_argument(
        "--deliveries", type=int, default=300, help="webhook deliveries sent (default 300)"
    )
    parser.add_argument("--seed", type=int, default=7, help="demo seed (default 7)")
    parser.add_argument(
        "--database",
        type=Path,
        help="use the embedded database kept in DIR (bench/pages.py's DIR/scale-N) instead "
        "of loading one; the deliveries are written into it",
    )
    args = parser.parse_args()
    result = asyncio.run(run(args.scale, args.deliveries, args.seed, args.database))
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    verdict = "meets" if result["all_p95_ms"] < TARGET_P95_MS else "MISSES"
    print(f"{verdict} the target of p95 < {TARGET_P95_MS:.0f} ms per delivery")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
