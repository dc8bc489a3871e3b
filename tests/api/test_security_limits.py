"""Request bodies over their limit: 413 with the setting's name, nothing written, and a
chunked body stopped as it arrives rather than read whole (api/http/body_limit.py)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from graph.db.store import Connection, GraphStore
from tests.api.test_graphql_limits import serve
from tests.factories import SmallOrg, ndjson
from tests.fuzz.checks import counts

pytestmark = pytest.mark.db

LIMIT = 4000
CHUNK = 1000


class Chunks:
    """A body sent in chunks without a Content-Length, counting what was pulled."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < len(self.body):
            chunk = self.body[self.sent : self.sent + CHUNK]
            self.sent += len(chunk)
            yield chunk


def big_ingest(org: SmallOrg, size: int) -> bytes:
    """Valid NDJSON records of about `size` bytes."""
    lines = ndjson(org.records()).encode()
    while len(lines) < size:
        lines += ndjson(SmallOrg().records()).encode()
    return lines


@pytest.mark.parametrize("chunked", [False, True])
async def test_ingest_over_the_limit_is_413_and_writes_nothing(
    connection: Connection, store: GraphStore, chunked: bool
) -> None:
    body = big_ingest(SmallOrg(), 20 * LIMIT)
    before = await counts(store)
    async with serve(connection, max_body_bytes=LIMIT) as api:
        content = Chunks(body) if chunked else body
        response = await api.client.post(
            "/ingest", content=content, headers={"Content-Type": "application/x-ndjson"}
        )
        assert response.status_code == 413, response.text
        assert response.json() == {
            "written": False,
            "error": "the request body is larger than 4,000 bytes (VSG_MAX_BODY_BYTES); "
            "send it in parts, or import a large file with `vsg import`",
        }
        if isinstance(content, Chunks):  # stopped at the chunk past the limit
            assert content.sent == LIMIT + CHUNK < len(body)
        assert await counts(store) == before
        # Just under the limit: written.
        small = ndjson(SmallOrg().records()[:3]).encode()
        assert len(small) <= LIMIT
        for content in (small, Chunks(small)):
            response = await api.client.post("/ingest", content=content)
            assert response.status_code == 200, response.text


#: Enough for the GitLab and Jira endpoints to read the body (GitHub's HMAC is over it).
SIGNED = {"X-Gitlab-Token": "s", "X-Vsg-Webhook-Secret": "s", "X-GitHub-Event": "push"}


async def test_webhooks_over_the_limit_are_413(connection: Connection) -> None:
    payload = json.dumps({"padding": "x" * 2 * LIMIT}).encode()
    secrets = {f"{tool}_webhook_{kind}": "s" for tool, kind in
               (("github", "secret"), ("gitlab", "token"), ("jira", "secret"))}  # fmt: skip
    async with serve(connection, max_body_bytes=LIMIT, **secrets) as api:
        for path in ("/webhooks/github", "/webhooks/gitlab", "/webhooks/jira"):
            for content in (payload, Chunks(payload)):
                response = await api.client.post(path, content=content, headers=SIGNED)
                assert response.status_code == 413, (path, response.text)
                assert "VSG_MAX_BODY_BYTES" in response.json()["error"]


async def test_graphql_variables_count_towards_its_body_limit(connection: Connection) -> None:
    query = "{ products(first: 1) { edges { node { key } } } }"  # the variable unused
    async with serve(connection, graphql_max_body_bytes=LIMIT, max_body_bytes=10**9) as api:
        small = {"query": query, "variables": {"unused": "x" * (LIMIT // 2)}}
        response = await api.client.post("/graphql", json=small)
        assert response.status_code == 200, response.text
        assert "errors" not in response.json()

        big = json.dumps({"query": query, "variables": {"unused": "x" * LIMIT}}).encode()
        for content in (big, Chunks(big)):
            response = await api.client.post(
                "/graphql", content=content, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 413, response.text
            [error] = response.json()["errors"]
            assert error["message"].startswith(
                "the request body is larger than 4,000 bytes (VSG_GRAPHQL_MAX_BODY_BYTES)"
            )


async def test_a_declared_length_over_the_limit_is_refused_before_reading(
    connection: Connection,
) -> None:
    # A Content-Length of 100 MB with a body the client never sends: answered at once.
    async with serve(connection, max_body_bytes=LIMIT) as api:
        body = Chunks(b"x" * CHUNK)
        response = await api.client.post(
            "/ingest", content=body, headers={"Content-Length": str(100 * 1024 * 1024)}
        )
        assert response.status_code == 413
        assert body.sent == 0
