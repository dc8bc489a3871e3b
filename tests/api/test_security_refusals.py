"""Cheap refusals: an unknown or revoked token costs one database read, not one per
request, and a client sending invalid tokens gets 429s before any read (api/http/auth.py,
api/http/auth_failures.py); through the real ASGI app."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest

import api.http.auth
from api.http.auth_failures import FailureLimit
from graph.db.store import Connection, GraphStore
from graph.settings import Settings
from graph.tokens import ApiToken, Role, create_token, find_token, revoke_token
from tests.api.test_auth import _client

pytestmark = pytest.mark.db

QUERY = {"query": "{ __typename }"}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The secrets the token check looked up in the database, in order."""
    looked_up: list[str] = []
    find = find_token

    async def counted(store: GraphStore, secret: str) -> ApiToken | None:
        looked_up.append(secret)
        return await find(store, secret)

    monkeypatch.setattr(api.http.auth, "find_token", counted)
    return looked_up


async def served(
    connection: Connection, **settings: object
) -> AsyncIterator[tuple[httpx.AsyncClient, GraphStore]]:
    async for pair in _client(connection, Settings(auth="required", **settings)):  # type: ignore[arg-type]  # test settings by keyword
        yield pair


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def test_unknown_and_revoked_tokens_are_read_once(
    connection: Connection, store: GraphStore, reads: list[str]
) -> None:
    async for client, app_store in served(connection):
        revoked = await create_token(app_store, "gone", Role.VIEWER)
        await revoke_token(app_store, revoked.token.id)
        unknown = "vsg_" + secrets.token_urlsafe(32)
        for secret in (unknown, revoked.secret):
            for _ in range(5):
                response = await client.post("/graphql", json=QUERY, headers=bearer(secret))
                assert response.status_code == 401
                assert response.json() == {
                    "error": "the API token is not valid (unknown or revoked)"
                }
        assert reads == [unknown, revoked.secret]

        # Revoked through GraphQL in this process: refused at once, then without a read.
        admin = await create_token(app_store, "admin", Role.ADMIN)
        viewer = await create_token(app_store, "viewer", Role.VIEWER)
        assert (await client.post("/graphql", json=QUERY, headers=bearer(viewer.secret))).is_success
        revoke = "mutation($id: ID!) { revokeApiToken(id: $id) { __typename } }"
        response = await client.post(
            "/graphql",
            json={"query": revoke, "variables": {"id": viewer.token.id}},
            headers=bearer(admin.secret),
        )
        assert "errors" not in response.json(), response.text
        reads.clear()
        for _ in range(3):
            response = await client.post("/graphql", json=QUERY, headers=bearer(viewer.secret))
            assert response.status_code == 401
        assert reads == [viewer.secret]


async def test_failed_authentications_are_limited_per_client(
    connection: Connection, store: GraphStore, reads: list[str]
) -> None:
    async for client, app_store in served(connection, auth_failures_per_minute=5):
        valid = await create_token(app_store, "reader", Role.VIEWER)
        assert (await client.post("/graphql", json=QUERY, headers=bearer(valid.secret))).is_success
        guesses = ["vsg_" + secrets.token_urlsafe(32) for _ in range(8)]
        statuses = []
        for guess in guesses:
            response = await client.post("/graphql", json=QUERY, headers=bearer(guess))
            statuses.append(response.status_code)
        assert statuses == [401] * 5 + [429] * 3
        assert response.headers["retry-after"] == "12"  # 5 a minute: one every 12 s
        assert "too many requests with invalid API tokens" in response.json()["error"]
        assert len(reads) == 1 + 5  # the valid token once, the first five guesses
        # A token already known to be valid is still let in from the same address.
        assert (await client.post("/graphql", json=QUERY, headers=bearer(valid.secret))).is_success


def test_a_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    limit = FailureLimit(6, clock=lambda: now[0])  # one failure back every 10 s
    for _ in range(6):
        assert limit.retry_after("a") is None
        limit.failed("a")
    assert limit.retry_after("a") == 10
    assert limit.retry_after("b") is None  # per client
    now[0] = 9.5
    assert limit.retry_after("a") == 1
    now[0] = 10.0
    assert limit.retry_after("a") is None
    limit.failed("a")
    assert limit.retry_after("a") == 10
    now[0] = 1000.0  # full again, not beyond
    for _ in range(6):
        limit.failed("a")
    assert limit.retry_after("a") == 10
