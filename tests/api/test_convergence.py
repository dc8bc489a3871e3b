"""Convergence: the same facts give the same graph, whatever their split, order, channel
and re-delivery (DESIGN.md §3b, docs/ingest.md "Convergence").

Hypothesis generates an organisation with awkward state histories (reopen, skipped
stages, two changes at one instant, two tool states of one stage, done without a start,
direct `IN_STAGE` imports with exits, re-sent changes), blocker and parent links between
its items, and a repository whose pushes and
deployment statuses arrive as GitHub webhooks, and issues only Jira knows whose creation
and status moves arrive as Jira webhooks. The reference graph is one import of all
of it. Then the same facts are split into random batches, shuffled, and delivered each
through a channel: `vsg import` in its own process (once per example), the same import
in this process (`ingest` over NDJSON lines), `POST /ingest`, or the GitHub and Jira
webhooks. The canonical dump (every node,
relationship and property) and every flow and DORA number must equal the reference's;
delivering everything again must change nothing.

One precondition, as in a real set-up: the product and its Jira project key are
configured before Jira webhooks are switched on, since a Jira webhook names its product
through the key; every other record may come in any order, the repository's product
after its deployments included.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import os
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.runtime import runtime
from graph.db.queries import parse
from graph.db.store import Connection, GraphStore
from graph.ingest.pending import to_object
from graph.ingest.records import NodeRecord, parse_lines, parse_objects
from graph.ingest.service import ingest
from graph.ingest.sources import github, jira_webhook
from graph.ingest.sources.mapping import SourceMapping
from graph.metrics.dora_queries import product_dora
from graph.metrics.flow import FlowQuery, Interval, ScopeKind, Window, aging_wip, cfd, flow_metrics
from graph.metrics.flow_queries import load_flow_data
from graph.model import WorkItemKind
from graph.settings import Settings
from tests.conftest import DELETE_ALL
from tests.factories import Record, SmallOrg, ndjson, node, rel, state
from tests.integration.test_cli import vsg

pytestmark = pytest.mark.db

SECRET = "convergence-secret"
REPO = {"full_name": "acme/payments", "html_url": "https://github.com/acme/payments"}
START = datetime(2025, 3, 1, 9, tzinfo=UTC)
WINDOW = Window(datetime(2025, 2, 20, tzinfo=UTC), datetime(2025, 4, 20, tzinfo=UTC))
STATES = ["To Do", "Backlog", "In Progress", "In Review", "Done", "Closed"]

DUMP = parse(
    "test/canonical_dump",
    "// cardinality: one\n"
    "CALL () { MATCH (n) WHERE NOT (n:Migration OR n:ApiToken) "
    "RETURN collect([labels(n), properties(n)]) AS nodes } "
    "CALL () { MATCH (a)-[r]->(b) "
    "RETURN collect([labels(a), a.id, type(r), labels(b), b.id, properties(r)]) AS links } "
    "RETURN nodes, links",
)


FIRST_STAGE = parse(
    "test/first_stage",
    "// cardinality: one\n"
    "MATCH (:WorkItem {id: $id})-[r:IN_STAGE]->(s:Stage) "
    "RETURN s.id AS stage ORDER BY r.enteredAt LIMIT 1",
)


def _plain(value: Any) -> Any:
    """A property value in a form that sorts and compares (times as ISO text)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _props(props: dict[str, Any]) -> str:
    return json.dumps({k: _plain(v) for k, v in props.items()}, sort_keys=True)


async def canonical(store: GraphStore) -> tuple[list[str], list[str]]:
    """Every node and relationship with its properties, sorted (duplicates kept)."""
    [row] = await store.read(DUMP)
    nodes = sorted(f"{sorted(labels)} {_props(props)}" for labels, props in row["nodes"])
    links = sorted(
        f"{sorted(a)}:{a_id} -{kind}-> {sorted(b)}:{b_id} {_props(props)}"
        for a, a_id, kind, b, b_id, props in row["links"]
    )
    return nodes, links


def _at(rnd: random.Random, hours: int) -> str:
    # Offsets vary: the same instant may arrive as Z or +01:00.
    instant = START + timedelta(hours=hours)
    if rnd.random() < 0.3:
        return (instant + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+01:00")
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def history(rnd: random.Random, org: SmallOrg, item: str) -> list[Record]:
    """A random, awkward state history of one item."""
    out: list[Record] = []
    hours = rnd.randint(0, 48)
    for _ in range(rnd.randint(1, 6)):
        roll = rnd.random()
        if roll < 0.1:  # two changes at the same instant
            out.append(state(item, _at(rnd, hours), state=rnd.choice(STATES)))
        elif roll < 0.2 and out:  # the same change sent twice
            out.append(out[-1])
            continue
        if roll > 0.9:  # a direct stage, not a tool state
            out.append(state(item, _at(rnd, hours), stage=org.stage(rnd.choice(["dev", "done"]))))
        else:
            out.append(state(item, _at(rnd, hours), state=rnd.choice(STATES)))
        hours += rnd.choice([0, 1, 5, 24, 30])
    if rnd.random() < 0.3:  # an imported visit with an exit
        entered = hours + 2
        out.append(
            rel(
                "IN_STAGE",
                ("WorkItem", item),
                ("Stage", org.stage(rnd.choice(["review", "dev"]))),
                enteredAt=_at(rnd, entered),
                exitedAt=_at(rnd, entered + rnd.randint(1, 30)),
            )
        )
    return out


def work(rnd: random.Random, org: SmallOrg) -> list[Record]:
    """Items of mixed kinds, their links (blockers, parents) and their state histories."""
    out: list[Record] = []
    items = []
    for n in range(rnd.randint(3, 6)):
        kind = rnd.choice(["Story", "Story", "Defect", "Feature", "Debt"])
        item = f"PAY-{n + 1}"  # a key commit messages can name
        items.append((kind, item))
        out += [
            node(kind, item, title=f"Item {n}", createdAt="2025-02-28T09:00:00Z"),
            rel("FOR_PRODUCT", (kind, item), ("Product", org.product)),
            rel("OWNS", ("Team", org.id("team")), (kind, item)),
        ]
        out += history(rnd, org, item)
    for (kind_a, a), (kind_b, b) in itertools.pairwise(items):
        if rnd.random() < 0.4:
            out.append(rel("BLOCKED_BY", (kind_a, a), (kind_b, b)))
        # Parents too: both ends' family kinds are derived from them after each batch
        # (graph/ingest/families.py), and the flow-item level reads those.
        if rnd.random() < 0.3:
            out.append(rel("PARENT_OF", (kind_a, a), (kind_b, b)))
    return out


def _sha(org: SmallOrg, n: int) -> str:
    return hashlib.sha1(f"{org.prefix}-{n}".encode()).hexdigest()


def deliveries(rnd: random.Random, org: SmallOrg) -> list[tuple[str, dict[str, Any]]]:
    """GitHub webhook events: pushes of a linear history, then deployments of it."""
    events: list[tuple[str, dict[str, Any]]] = []
    commits = rnd.randint(2, 6)
    before = "0" * 40
    n = 0
    while n < commits:
        size = rnd.randint(1, 2)
        shas = [_sha(org, i) for i in range(n, min(n + size, commits))]
        events.append(
            (
                "push",
                {
                    "ref": "refs/heads/main",
                    "before": before,
                    "after": shas[-1],
                    "forced": False,
                    "repository": REPO,
                    "commits": [
                        {
                            "id": sha,
                            "message": f"PAY-{i % 3 + 1}: change {sha[:6]}",
                            "timestamp": (START + timedelta(hours=i)).isoformat(),
                            "url": f"https://github.com/acme/payments/commit/{sha}",
                            "author": {"name": "Ben", "username": "ben"},
                        }
                        for i, sha in enumerate(shas, start=n)
                    ],
                },
            )
        )
        before = shas[-1]
        n += size
    for d in range(rnd.randint(1, 3)):
        head = _sha(org, rnd.randint(0, commits - 1))
        created = START + timedelta(days=2 + d)
        deployment = {
            "id": int(org.prefix, 16) % 10_000 * 10 + d,
            "sha": head,
            "ref": "main",
            "environment": "production",
            "created_at": created.isoformat(),
            "updated_at": created.isoformat(),
            "url": f"https://api.github.com/repos/acme/payments/deployments/{d}",
        }
        outcome = "success" if d == 0 else rnd.choice(["success", "failure"])
        for minutes, status in ((1, "in_progress"), (9, outcome)):
            events.append(
                (
                    "deployment_status",
                    {
                        "action": "created",
                        "deployment_status": {
                            "state": status,
                            "created_at": (created + timedelta(minutes=minutes)).isoformat(),
                        },
                        "deployment": deployment,
                        "repository": REPO,
                    },
                )
            )
    return events


def jira_events(rnd: random.Random, org: SmallOrg) -> list[tuple[str, dict[str, Any]]]:
    """Jira webhook deliveries of issues only Jira knows: created, then status moves."""
    events: list[tuple[str, dict[str, Any]]] = []
    for n in range(rnd.randint(1, 2)):
        key = f"PAY-{50 + n}"
        created = START + timedelta(hours=rnd.randint(0, 20))
        fields = {
            "summary": f"Jira issue {n}",
            "issuetype": {"name": "Story"},
            "created": created.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "project": {"key": "PAY"},
        }
        status, at = "To Do", created
        events.append(
            (
                "jira",
                {
                    "webhookEvent": "jira:issue_created",
                    "timestamp": int(at.timestamp() * 1000),
                    "issue": {"key": key, "fields": {**fields, "status": {"name": status}}},
                },
            )
        )
        for _ in range(rnd.randint(1, 4)):
            to = rnd.choice([s for s in STATES if s != status])
            at += timedelta(hours=rnd.choice([1, 7, 30]))
            change = {"field": "status", "fromString": status, "toString": to}
            events.append(
                (
                    "jira",
                    {
                        "webhookEvent": "jira:issue_updated",
                        "timestamp": int(at.timestamp() * 1000),
                        "issue": {"key": key, "fields": {**fields, "status": {"name": to}}},
                        "changelog": {"items": [change]},
                    },
                )
            )
            status = to
    return events


def configuration(org: SmallOrg) -> list[Record]:
    """What a set-up configures before Jira webhooks: the product and its project key."""
    return [node("Product", org.product, name="Checkout", key="PAY")]


def repository(org: SmallOrg) -> list[Record]:
    """The repository's product: it may come after the repository's deployments."""
    return [
        node("Repository", "github.com/acme/payments", name="acme/payments"),
        rel("FOR_PRODUCT", ("Repository", "github.com/acme/payments"), ("Product", org.product)),
    ]


def event_records(org: SmallOrg, events: list[tuple[str, dict[str, Any]]]) -> list[Record]:
    """The webhook events as the records the endpoint converts them to."""
    mapping = SourceMapping(
        projects={"PAY": org.product}, repositories={"acme/payments": org.product}
    )
    out: list[Record] = []
    for event, payload in events:
        data = json.dumps(payload).encode()
        converted = (
            jira_webhook.convert_event(data, mapping)
            if event == "jira"
            else github.convert_event(event, data, mapping)
        )
        assert converted is not None
        out += [_as_object(r) for r in converted.records]
    return out


def _as_object(record: Any) -> Record:
    if isinstance(record, NodeRecord):
        label = str(record.kind or record.label)
        props = {k: _plain(v) for k, v in record.properties.items()}
        return {"record": "node", "label": label, "id": record.id, "properties": props}
    return to_object(record)


class Channels:
    """The ways facts reach the graph, each as a real user of it would send them."""

    def __init__(
        self, store: GraphStore, client: httpx.AsyncClient, connection: Connection
    ) -> None:
        self.store, self.client, self.connection = store, client, connection
        self.deliveries = 0

    async def file(self, records: list[Record]) -> None:
        """What `vsg import` runs on a file, in this process."""
        await ingest(self.store, parse_lines(ndjson(records).splitlines()))

    async def cli(self, records: list[Record]) -> None:
        """`vsg import -` itself, in its own process (slow: used once per example)."""
        result = await asyncio.to_thread(vsg, self.connection, "import", "-", stdin=ndjson(records))
        assert result.returncode == 0, result.stderr

    async def http(self, records: list[Record]) -> None:
        response = await self.client.post("/ingest", content=ndjson(records))
        assert response.status_code == 200, response.text

    async def webhook(self, event: str, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        if event == "jira":
            response = await self.client.post(
                "/webhooks/jira", content=body, headers={"X-Vsg-Webhook-Secret": SECRET}
            )
            assert response.status_code == 200, response.text
            return
        self.deliveries += 1
        headers = {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": f"d-{self.deliveries}",
            "X-Hub-Signature-256": "sha256="
            + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(),
        }
        response = await self.client.post("/webhooks/github", content=body, headers=headers)
        assert response.status_code == 200, response.text


async def numbers(store: GraphStore, org: SmallOrg) -> dict[str, Any]:
    """Every flow and DORA number of the organisation's stream and product."""
    kinds = tuple(WorkItemKind)
    data = await load_flow_data(
        store, FlowQuery(ScopeKind.VALUE_STREAM, org.id("vs"), WINDOW, kinds)
    )
    return {
        "flow": repr(flow_metrics(data)),
        "cfd": repr(cfd(data, Interval.DAY)),
        "aging": repr(aging_wip(data)),
        "dora": repr(await product_dora(store, org.product, WINDOW)),
    }


@pytest.fixture
async def channels(connection: Connection, store: GraphStore) -> AsyncIterator[Channels]:
    app = create_app(Settings(github_webhook_secret=SECRET, jira_webhook_secret=SECRET), connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            yield Channels(runtime(app).store, c, connection)


@settings(
    # A longer run: VSG_CONVERGENCE_EXAMPLES=500 .venv/bin/python -m pytest <this file>
    max_examples=int(os.environ.get("VSG_CONVERGENCE_EXAMPLES", "12")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32 - 1))
async def test_any_split_order_and_channel_of_the_same_facts_gives_the_same_graph(
    channels: Channels, seed: int
) -> None:
    rnd = random.Random(seed)
    org = SmallOrg(prefix=f"{seed:08x}"[:6])
    store = channels.store
    records = [*org.records(), *work(rnd, org), *repository(org)]
    events = [*deliveries(rnd, org), *jira_events(rnd, org)]

    await store.write(DELETE_ALL)
    await ingest(store, parse_objects([*records, *event_records(org, events)]))
    reference, reference_numbers = await canonical(store), await numbers(store, org)
    # The reference is no empty graph: visits, deployments and their derivations are in.
    for kind in ("-IN_STAGE->", "-DEPLOYED->", "-SHIPPED->", "-PARENT->", "-IMPLEMENTS->"):
        assert any(kind in link for link in reference[1]), kind
    # A Jira issue starts where its created event says, whatever its updates assumed.
    [first] = await store.read(FIRST_STAGE, id="PAY-50")
    assert first["stage"] == org.stage("backlog")

    await store.write(DELETE_ALL)
    await channels.file(configuration(org))
    pieces: list[tuple[str, Any]] = [("record", r) for r in records]
    pieces += [("event", e) for e in events]
    rnd.shuffle(pieces)
    cli_used = False
    while pieces:
        size = rnd.randint(1, max(1, len(pieces) // 3))
        batch, pieces = pieces[:size], pieces[size:]
        batch_records = [r for kind, r in batch if kind == "record"]
        if batch_records and not cli_used:
            cli_used = True
            await channels.cli(batch_records)
        elif batch_records:
            await rnd.choice([channels.file, channels.http])(batch_records)
        for event, payload in (e for kind, e in batch if kind == "event"):
            await channels.webhook(event, payload)
    assert await canonical(store) == reference
    assert await numbers(store, org) == reference_numbers

    # Everything delivered again, in another order: nothing changes.
    await channels.http(list(reversed(records)))
    for event, payload in reversed(events):
        await channels.webhook(event, payload)
    assert await canonical(store) == reference
