"""Heavy requests cannot stall the server: over-limit windows and forecasts are refused
before they run; the worst allowed request computes off the event loop while a probe is
answered; a computation past its deadline is abandoned; one client's computations wait
their turn without holding back another's.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.compute import Compute
from graph.embedded import free_port
from graph.errors import QueryTimeout
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.settings import Settings
from graph.store import Connection, GraphStore
from tests.api.conftest import Api
from tests.factories import SmallOrg, state

CFD = (
    "query($id: ID!, $from: DateTime, $to: DateTime) "
    "{ node(id: $id) { ... on ValueStream { %s } } }"
)


def _cfd(alias: str, interval: str = "DAY") -> str:
    return f"{alias}: cfd(from: $from, to: $to, interval: {interval}) {{ points {{ end }} }}"


async def _org(store: GraphStore) -> SmallOrg:
    org = SmallOrg()
    records = [
        *org.records(),
        state(org.id("story1"), "2025-02-20T00:00:00Z", state="In Progress"),
        state(org.id("story1"), "2025-03-06T00:00:00Z", state="Done"),
    ]
    await ingest(store, parse_objects(records))
    return org


def _errors(body: dict[str, Any]) -> str:
    return " | ".join(e["message"] for e in body.get("errors") or [])


# --- refused before anything runs ---------------------------------------------------------


@pytest.mark.db
async def test_over_limit_windows_and_forecasts_are_refused_with_the_limit(
    api: Api, store: GraphStore
) -> None:
    org = await _org(store)
    vs = f"ValueStream:{org.id('vs')}"
    millennium = {"from": "1025-01-01T00:00:00Z", "to": "2025-01-01T00:00:00Z"}
    cases = {
        # the attack's CFD: 1,000 years of days
        "window": (CFD % _cfd("c"), millennium, "longer than the longest allowed, 3,660 days"),
        "flow metrics": (
            CFD % "flowMetrics(from: $from, to: $to) { flowVelocity }",
            millennium,
            "longer than the longest allowed",
        ),
        # the attack's forecast: 100,000 trials to 2036
        "forecast": (
            "query($id: ID!) { node(id: $id) { ... on ValueStream { forecast(trials: 100000,"
            ' by: "2036-01-01T00:00:00Z", from: "2026-01-01T00:00:00Z") { trials } } } }',
            {},
            "trial-days, above the limit of 20,000,000",
        ),
        # many CFDs of ten years each, nested in every value stream of 500 products
        "points": (
            "{ products(first: 500) { edges { node { valueStreams { cfd("
            'from: "2015-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z") { interval } } } } } }',
            {},
            "points (days, or weeks of a weekly CFD), above the limit of 500,000",
        ),
        "out of range": (
            CFD % _cfd("c"),
            {"from": "0001-01-01T00:30:00+01:00", "to": "2025-01-01T00:00:00Z"},
            "outside the years 1 to 9999 in UTC",
        ),
    }
    for name, (document, variables, message) in cases.items():
        started = time.monotonic()
        body = await api.graphql_raw(document, id=vs, **variables)
        assert message in _errors(body), (name, body)
        assert body.get("data") is None, name
        assert time.monotonic() - started < 2, name  # refused, not computed


@pytest.mark.db
async def test_the_longest_windows_allowed_are_answered(api: Api, store: GraphStore) -> None:
    org = await _org(store)
    decade = {"from": "2015-01-02T00:00:00Z", "to": "2025-01-01T00:00:00Z"}
    body = await api.graphql(
        CFD % (_cfd("d") + " " + _cfd("w", "WEEK")), id=f"ValueStream:{org.id('vs')}", **decade
    )
    assert len(body["node"]["d"]["points"]) == 3652
    assert len(body["node"]["w"]["points"]) in (522, 523)  # whole weeks, Monday to Monday


# --- the worst allowed request, and a probe beside it -------------------------------------


@contextmanager
def _served(settings: Settings, connection: Connection) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, connection), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


#: The worst request the default limits allow on the attack's lines: a forecast of
#: 20,000,000 trial-days (its whole budget) beside 30 aliased ten-year daily CFDs.
WORST = (
    "query($id: ID!, $from: DateTime, $to: DateTime) { node(id: $id) { ... on ValueStream {"
    ' forecast(trials: 10000, from: "2025-01-01T00:00:00Z", by: "2030-06-24T00:00:00Z")'
    " { howMany { p50 } } " + " ".join(_cfd(f"c{n}") for n in range(29)) + " } } }"
)


@pytest.mark.db
async def test_a_probe_is_answered_within_a_second_during_the_worst_allowed_request(
    connection: Connection, store: GraphStore
) -> None:
    org = await _org(store)
    decade = {"from": "2015-01-02T00:00:00Z", "to": "2025-01-01T00:00:00Z"}
    probes: list[float] = []
    with _served(Settings(), connection) as base:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            probe_doc = {"query": "{ products(first: 5) { edges { node { name } } } }"}

            async def worst() -> tuple[float, dict[str, Any]]:
                started = time.monotonic()
                answer = await client.post(
                    "/graphql",
                    json={
                        "query": WORST,
                        "variables": {"id": f"ValueStream:{org.id('vs')}", **decade},
                    },
                )
                return time.monotonic() - started, answer.json()

            heavy = asyncio.create_task(worst())
            await asyncio.sleep(0.3)  # the heavy request is computing
            while not heavy.done():
                started = time.monotonic()
                answer = await client.post("/graphql", json=probe_doc)
                assert answer.status_code == 200 and "errors" not in answer.json()
                probes.append(time.monotonic() - started)
                await asyncio.sleep(0.2)
            took, body = await heavy
    assert "errors" not in body, _errors(body)
    assert body["data"]["node"]["forecast"]["howMany"]["p50"] is not None
    print(f"worst allowed request {took:.1f} s; {len(probes)} probes, slowest {max(probes):.3f} s")
    assert took > 1.0, "the worst request was too quick to show anything"
    assert len(probes) >= 3
    # Nine in ten within the second the issue asks for; the slowest within two, so that
    # a machine busy with other work does not fail the test (the figures are printed).
    assert sorted(probes)[(len(probes) * 9) // 10 - 1] < 1.0, probes
    assert max(probes) < 2.0, probes


# --- deadlines and shares -----------------------------------------------------------------


@pytest.mark.db
async def test_a_computation_past_its_deadline_is_abandoned(
    connection: Connection, store: GraphStore
) -> None:
    org = await _org(store)
    app = create_app(Settings(compute_timeout_seconds=0.2), connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            started = time.monotonic()
            response = await c.post(
                "/graphql",
                json={
                    "query": WORST,
                    "variables": {
                        "id": f"ValueStream:{org.id('vs')}",
                        "from": "2015-01-02T00:00:00Z",
                        "to": "2025-01-01T00:00:00Z",
                    },
                },
            )
            took = time.monotonic() - started
    assert "took too long (more than 0.2 s)" in _errors(response.json()), response.text
    assert took < 5, took  # not the whole request's computing


async def test_one_client_waits_its_turn_without_holding_back_another() -> None:
    compute = Compute(workers=4, per_client=1, timeout=10)
    running: dict[str, int] = {}
    most: dict[str, int] = {}
    lock = threading.Lock()

    def work(client: str) -> str:
        with lock:
            running[client] = running.get(client, 0) + 1
            most[client] = max(most.get(client, 0), running[client])
        time.sleep(0.1)
        with lock:
            running[client] -= 1
        return client

    started = time.monotonic()
    done = await asyncio.gather(
        *(compute.run("greedy", work, "greedy") for _ in range(4)),
        compute.run("other", work, "other"),
    )
    assert done.count("greedy") == 4
    assert most == {"greedy": 1, "other": 1}
    assert time.monotonic() - started < 0.8  # the other client did not queue behind
    with pytest.raises(QueryTimeout, match="took too long"):
        await Compute(workers=1, per_client=1, timeout=0.05).run("c", time.sleep, 0.5)
