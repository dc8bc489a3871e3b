"""Database faults (issue 7): down at start-up, restarted while serving, the embedded
child killed. Each test drives the real ASGI app against this module's OWN embedded
database (its own directory and ports, started and stopped here), never the session's.

Timings: the gate makes requests answer at once while the database is known to be
down; the bounds below (`HANG_GUARD`) only keep a hanging request from hanging the run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from graph.db.embedded import EmbeddedConfig, EmbeddedDatabase, free_port
from graph.db.store import GraphStore
from graph.model import Label
from graph.read.entities import COUNT
from graph.settings import Settings
from tests.factories import SmallOrg, ndjson

pytestmark = pytest.mark.db

#: Seconds after which a request that has not answered counts as hanging.
HANG_GUARD = 15.0
#: Fast faults for tests: attempt every 0.25 s at start-up, give up retrying a
#: transaction after 1 s (so a request on a vanished database fails within ~2 s).
FAST = Settings(
    db_connect_attempts=200,
    db_connect_timeout_seconds=2.0,
    db_connect_backoff_max_seconds=0.25,
    db_retry_seconds=1.0,
)
PRODUCTS = "{ products(first: 10) { edges { node { id name } } } }"


@pytest.fixture(scope="module")
def spare(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedConfig:
    """This module's own database: not running until a test starts it."""
    return EmbeddedConfig(tmp_path_factory.mktemp("spare-db"), free_port(), free_port(), "faults")


@pytest.fixture(scope="module")
async def spare_db(spare: EmbeddedConfig) -> AsyncIterator[EmbeddedDatabase]:
    """The process handle of the spare database; whatever a test leaves running stops
    at the end of the module."""
    embedded = EmbeddedDatabase(spare)
    try:
        yield embedded
    finally:
        embedded.stop()


@asynccontextmanager
async def serving(
    config: EmbeddedConfig, settings: Settings = FAST, gave_up: list[str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The app, started (its lifespan run) against `config`'s database, and a client."""
    app = create_app(
        settings, config.connection(), on_give_up=None if gave_up is None else gave_up.append
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield client


async def post_graphql(client: httpx.AsyncClient, query: str = PRODUCTS) -> httpx.Response:
    async with asyncio.timeout(HANG_GUARD):
        return await client.post("/graphql", json={"query": query})


async def get(client: httpx.AsyncClient, path: str) -> httpx.Response:
    async with asyncio.timeout(HANG_GUARD):
        return await client.get(path)


async def health_when(client: httpx.AsyncClient, status: str, within: float) -> dict[str, Any]:
    """Poll /healthz until it reports `status`; fail with the last answer otherwise."""
    deadline = time.monotonic() + within
    while True:
        body: dict[str, Any] = (await get(client, "/healthz")).json()
        if body["status"] == status:
            return body
        assert time.monotonic() < deadline, f"/healthz never said {status!r}: {body}"
        await asyncio.sleep(0.1)


def assert_unavailable_graphql(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    assert errors[0]["message"].startswith("the database is unavailable")


async def test_the_api_gives_up_after_its_attempts_and_says_why(tmp_path: Path) -> None:
    # Nothing listens on these ports: 2 attempts 0.1 s apart, then "failed".
    nowhere = EmbeddedConfig(tmp_path, free_port(), free_port(), "none")
    settings = Settings(db_connect_attempts=2, db_connect_backoff_max_seconds=0.1)
    gave_up: list[str] = []
    async with serving(nowhere, settings, gave_up) as client:
        body = await health_when(client, "failed", within=HANG_GUARD)
        assert body["database"] == (
            f"gave up after 2 attempts: connection refused at bolt://127.0.0.1:{nowhere.bolt_port}"
        )
        assert gave_up == [body["database"]]
        assert_unavailable_graphql(await post_graphql(client))


def test_vsg_serve_exits_non_zero_when_it_gives_up() -> None:
    closed = free_port()
    env = {
        **os.environ,
        "VSG_NEO4J_URI": f"bolt://127.0.0.1:{closed}",
        "VSG_DB_CONNECT_ATTEMPTS": "2",
        "VSG_DB_CONNECT_BACKOFF_MAX_SECONDS": "0.1",
        "VSG_PORT": str(free_port()),
    }
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert f"gave up after 2 attempts: connection refused at bolt://127.0.0.1:{closed}" in (
        " ".join(result.stderr.split())  # rich wraps long lines
    )


async def test_the_api_starts_without_its_database_and_recovers_when_it_comes_up(
    spare: EmbeddedConfig, spare_db: EmbeddedDatabase
) -> None:
    assert not spare_db.alive()
    async with serving(spare) as client:
        # Down: every entry point answers 503 at once, and /healthz says why.
        assert_unavailable_graphql(await post_graphql(client))
        ingest = await client.post("/ingest", content=ndjson(SmallOrg().records()))
        assert ingest.status_code == 503, ingest.text
        assert ingest.json()["error"].startswith("the database is unavailable")
        assert (await get(client, "/metrics")).status_code == 503
        assert (await get(client, "/export/flow.json?valueStream=vs-1")).status_code == 503
        health = await get(client, "/healthz")
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "starting"
        assert body["database"].startswith(
            f"connection refused at bolt://127.0.0.1:{spare.bolt_port}, attempt "
        )
        assert " of 200, next in 0.25 s" in body["database"]

        await spare_db.start()
        # Up: the connector notices within a few attempts, applies the schema, and
        # the same app serves without a restart.
        assert (await health_when(client, "ok", within=HANG_GUARD))["database"] == "up"
        org = SmallOrg()
        ingest = await client.post("/ingest", content=ndjson(org.records()))
        assert ingest.status_code == 200, ingest.text
        response = await post_graphql(client)
        assert response.status_code == 200, response.text
        edges = response.json()["data"]["products"]["edges"]
        # The one product just ingested, under its global id `Label:id`.
        assert [e["node"] for e in edges] == [{"id": f"Product:{org.product}", "name": "Checkout"}]


async def test_requests_fail_fast_while_the_database_restarts_and_recover(
    spare: EmbeddedConfig, spare_db: EmbeddedDatabase
) -> None:
    if not spare_db.alive():
        await spare_db.start()
    async with serving(spare) as client:
        # Several connections in the pool, all of them soon stale.
        answers = await asyncio.gather(*(post_graphql(client) for _ in range(8)))
        assert [a.status_code for a in answers] == [200] * 8

        # kill, not stop: ArcadeDB's clean shutdown waits ~30 s for open Bolt connections.
        spare_db.kill()
        # The first request finds out (after the driver's 1 s of retries); the gate
        # then answers the rest at once, and /healthz says why.
        assert_unavailable_graphql(await post_graphql(client))
        assert_unavailable_graphql(await post_graphql(client))
        body = await health_when(client, "reconnecting", within=HANG_GUARD)
        assert f"bolt://127.0.0.1:{spare.bolt_port}" in body["database"]

        await spare_db.start()  # same ports, same files
        await health_when(client, "ok", within=HANG_GUARD)
        answers = await asyncio.gather(*(post_graphql(client) for _ in range(8)))
        assert [a.status_code for a in answers] == [200] * 8

        # A restart nobody noticed: every pooled connection is stale. Neither /healthz
        # nor a request fails for it (the driver drops the stale connections and retries).
        spare_db.kill()
        await spare_db.start()
        health = await get(client, "/healthz")
        assert health.status_code == 200, health.text
        answers = await asyncio.gather(*(post_graphql(client) for _ in range(8)))
        assert [a.status_code for a in answers] == [200] * 8, [a.text for a in answers]


async def test_the_watchdog_restarts_a_killed_embedded_database_then_gives_up(
    spare: EmbeddedConfig, spare_db: EmbeddedDatabase
) -> None:
    if not spare_db.alive():
        await spare_db.start()
    store = await GraphStore.open(spare.connection())
    try:
        before = (await store.read(COUNT[Label.PRODUCT]))[0]["total"]
        async with serving(spare) as client:
            ingest = await client.post("/ingest", content=ndjson(SmallOrg().records()))
            assert ingest.status_code == 200, ingest.text
        # SmallOrg has one product: committed before the kill.
        expected = before + 1

        gave_up: list[str] = []
        watchdog = asyncio.create_task(spare_db.watch(1, interval=0.1, on_give_up=gave_up.append))
        try:
            assert spare_db.process is not None
            first = spare_db.process.pid
            os.kill(first, signal.SIGKILL)
            deadline = time.monotonic() + 60
            while not (spare_db.process.pid != first and spare_db.alive()):
                assert time.monotonic() < deadline, "the watchdog did not restart it"
                await asyncio.sleep(0.1)
            await store.wait_ready(30)
            # Back: the write committed before the kill is there (WAL replayed).
            assert (await store.read(COUNT[Label.PRODUCT]))[0]["total"] == expected

            # Its one restart is spent: the next death is final, and says so.
            os.kill(spare_db.process.pid, signal.SIGKILL)
            async with asyncio.timeout(HANG_GUARD):
                await watchdog
            assert len(gave_up) == 1
            assert gave_up[0].startswith(
                "the embedded database was killed by SIGKILL after 1 restart(s); "
                "not restarting it again."
            )
            assert not spare_db.alive()
        finally:
            watchdog.cancel()
    finally:
        await store.close()
