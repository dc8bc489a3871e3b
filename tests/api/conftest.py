"""API tests: real HTTP requests through the ASGI app, on the session's database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.runtime import runtime
from graph.db.store import Connection, GraphStore
from graph.settings import Settings


class Api:
    """A client of the app under test, and the store it serves from."""

    def __init__(self, client: httpx.AsyncClient, store: GraphStore) -> None:
        self.client = client
        self.store = store

    async def graphql(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]

    async def graphql_raw(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post("/graphql", json={"query": query, "variables": variables})
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
async def api(connection: Connection, store: GraphStore) -> AsyncIterator[Api]:
    """The app (its lifespan run) over a clean database."""
    app = create_app(Settings(), connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield Api(client, runtime(app).store)
