"""Writes that could wedge the server: larger than one database message, or never
answered. Any valid batch imports (statements split by size, still one transaction); a
value over the limit is refused by validation; a write the database does not answer is
abandoned after `VSG_WRITE_TIMEOUT_SECONDS` with a 503, and writing goes on."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import httpx
import pytest

from api.app import create_app
from graph.db.queries import parse
from graph.db.store import Connection, GraphStore
from graph.ingest.records import MAX_TEXT
from graph.ingest.service import INSERT
from graph.model import WorkItemKind
from graph.settings import Settings
from tests.factories import SmallOrg, ndjson, node, rel
from tests.faults.test_ingest_interrupted import HoldingProxy

pytestmark = pytest.mark.db

DESCRIPTIONS = parse(
    "test/descriptions",
    "// cardinality: one\n"
    "MATCH (w:WorkItem) WHERE w.id STARTS WITH $prefix "
    "RETURN count(w) AS items, sum(size(w.description)) AS characters",
)


def stories(org: SmallOrg, count: int, size: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for n in range(count):
        story = org.id(f"big{n}")
        out += [
            node("Story", story, title="Big", createdAt="2025-01-01T09:00:00Z",
                 description=chr(ord("a") + n % 26) * size),
            rel("FOR_PRODUCT", ("Story", story), ("Product", org.product)),
        ]  # fmt: skip
    return out


async def test_a_batch_beyond_one_database_message_is_written_whole(
    connection: Connection, store: GraphStore
) -> None:
    org = SmallOrg()
    # 30 descriptions of 700,000 characters: 21 MB, beyond the embedded database's 16 MiB
    # message limit, in one request and so in one transaction.
    body = ndjson([*org.records(), *stories(org, 30, 700_000)])
    assert len(body) > 20_000_000
    app = create_app(Settings(), connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            response = await client.post("/ingest", content=body, timeout=120)
    assert response.status_code == 200, response.text[:500]
    [row] = await store.read(DESCRIPTIONS, prefix=org.id("big"))
    assert row == {"items": 30, "characters": 30 * 700_000}


async def test_a_value_over_the_limit_is_refused_by_validation(
    connection: Connection, store: GraphStore
) -> None:
    org = SmallOrg()
    body = ndjson([*org.records(), *stories(org, 1, MAX_TEXT + 1)])
    app = create_app(Settings(), connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            response = await client.post("/ingest", content=body)
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["field"] == "properties.description"
    assert f"at most {MAX_TEXT:,}" in problem["message"]
    assert await store.read(DESCRIPTIONS, prefix=org.id("")) == [{"items": 0, "characters": 0}]


async def test_a_write_the_database_never_answers_is_a_503_and_releases_the_writer(
    connection: Connection, store: GraphStore
) -> None:
    org = SmallOrg()
    port = int(connection.uri.rsplit(":", 1)[1])
    # The database's answers are held from the moment a story is created: the write
    # waits inside its transaction, as with a frozen database or a refused message. From
    # the statement's CREATE, not its start: generated statements begin alike.
    story = INSERT[WorkItemKind.STORY].text
    marker = story[story.index("\nCREATE") + 1 :].encode()[:60]
    async with HoldingProxy(port, marker) as proxy:
        held = replace(connection, uri=f"bolt://127.0.0.1:{proxy.address}")
        settings = Settings(write_timeout_seconds=1.0, query_timeout_seconds=2.0)
        app = create_app(settings, held)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1", timeout=60
            ) as client:
                began = time.monotonic()
                first = await client.post("/ingest", content=ndjson(org.records()))
                took = time.monotonic() - began
                # The writer is free again: the next batch is tried, and its reads, held
                # too, time out as well: a 503 again, not a request that never returns.
                second = await client.post("/ingest", content=ndjson(org.records()))
                health = (await client.get("/healthz")).json()
    assert proxy.sent.is_set()
    assert first.status_code == 503, first.text
    assert "did not finish a write within 1 s" in json.dumps(first.json())
    assert took < 30  # abandoned at its deadline, not after the driver's retries
    assert second.status_code == 503, second.text
    assert health["stuckWrites"] == 1
    # Nothing of the batch was committed.
    assert await store.read(DESCRIPTIONS, prefix=org.id("")) == [{"items": 0, "characters": 0}]
