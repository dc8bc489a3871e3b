"""With introspection off, wrong names get no "Did you mean ...?": the suggestions would
spell out the schema's names (`apiTokens`, enum values, input fields) to anyone guessing
near them. An admin token, which may read the schema anyway, still gets them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from graph.db.store import Connection, GraphStore
from graph.settings import Settings
from graph.tokens import Role, create_token

pytestmark = pytest.mark.db

#: Documents one letter away from real names; graphql-core would suggest each.
NEAR_MISSES: list[tuple[str, dict[str, Any]]] = [
    ("{ apiToken { id } }", {}),  # a field (apiTokens)
    ("{ products(frist: 2) { totalCount } }", {}),  # an argument (first)
    ("{ ...F } fragment F on Querry { __typename }", {}),  # a type (Query)
    ('mutation { createApiToken(name: "x", role: ADMN) { secret } }', {}),  # an enum value
    (
        'mutation ($r: TokenRole!) { createApiToken(name: "x", role: $r) { secret } }',
        {"r": "ADMN"},
    ),  # an enum value in a variable
    ("{ products { edges { nod { id } } } }", {}),  # a field of a connection
]


async def _app(connection: Connection, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            yield c


async def _messages(
    client: httpx.AsyncClient, document: str, variables: dict[str, Any], **headers: str
) -> list[str]:
    response = await client.post(
        "/graphql", json={"query": document, "variables": variables}, headers=headers
    )
    assert response.status_code in (200, 400), response.text
    errors = response.json()["errors"]
    assert errors, response.text
    return [e["message"] for e in errors]


@pytest.mark.parametrize(("document", "variables"), NEAR_MISSES)
async def test_no_suggestions_where_introspection_is_off(
    connection: Connection, store: GraphStore, document: str, variables: dict[str, Any]
) -> None:
    off = Settings(graphql_introspection=False)
    async for client in _app(connection, off):
        viewer = await create_token(store, "viewer", Role.VIEWER)
        admin = await create_token(store, "admin", Role.ADMIN)
        for headers in ({}, {"Authorization": f"Bearer {viewer.secret}"}):
            messages = await _messages(client, document, variables, **headers)
            assert not any("Did you mean" in m for m in messages), messages
        as_admin = await _messages(
            client, document, variables, Authorization=f"Bearer {admin.secret}"
        )
        assert any("Did you mean" in m for m in as_admin), as_admin
    async for client in _app(connection, Settings(graphql_introspection=True)):
        messages = await _messages(client, document, variables)
        assert any("Did you mean" in m for m in messages), messages
