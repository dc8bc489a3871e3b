"""API tokens and roles on every protected entry point, through the real ASGI app.

Each role (and no token, and an unknown or revoked token) is sent to each entry point;
what must be let in and what refused is the table in SECURITY.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest

from api.app import create_app
from api.runtime import runtime
from graph.db.queries import cypher
from graph.db.store import Connection, GraphStore
from graph.model import Label
from graph.read.entities import COUNT
from graph.settings import Settings
from graph.tokens import Role, create_token, revoke_token, secret_hash
from tests.factories import ndjson

pytestmark = pytest.mark.db

WEBHOOK_SECRET = "gh-secret"


@dataclass
class Secured:
    """An app that requires tokens, and one valid token per role."""

    client: httpx.AsyncClient
    store: GraphStore
    secrets: dict[str, str]  # role label (or "none", "unknown", "revoked") -> secret

    def headers(self, who: str) -> dict[str, str]:
        secret = self.secrets.get(who)
        return {} if secret is None else {"Authorization": f"Bearer {secret}"}


async def _client(
    connection: Connection, settings: Settings
) -> AsyncIterator[tuple[httpx.AsyncClient, GraphStore]]:
    app = create_app(settings, connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield client, runtime(app).store


@pytest.fixture
async def secured(connection: Connection, store: GraphStore) -> AsyncIterator[Secured]:
    settings = Settings(auth="required", github_webhook_secret=WEBHOOK_SECRET)
    async for client, app_store in _client(connection, settings):
        issued = {r.label: await create_token(app_store, f"test {r.label}", r) for r in Role}
        revoked = await create_token(app_store, "test revoked", Role.ADMIN)
        await revoke_token(app_store, revoked.token.id)
        secrets = {label: i.secret for label, i in issued.items()}
        secrets["unknown"] = "vsg_" + "x" * 43
        secrets["revoked"] = revoked.secret
        yield Secured(client, app_store, secrets)


# --- the entry points, each a request that succeeds for a caller allowed in -------------

Call = Callable[[Secured, str], Awaitable[httpx.Response]]


def _graphql(document: str, **variables: object) -> Call:
    async def call(s: Secured, who: str) -> httpx.Response:
        return await s.client.post(
            "/graphql", json={"query": document, "variables": variables}, headers=s.headers(who)
        )

    return call


def _get(path: str) -> Call:
    async def call(s: Secured, who: str) -> httpx.Response:
        return await s.client.get(path, headers=s.headers(who))

    return call


async def _post_ingest(s: Secured, who: str) -> httpx.Response:
    body = ndjson([{"record": "node", "label": "Tool", "id": f"tool-{who}", "properties": {}}])
    return await s.client.post("/ingest", content=body, headers=s.headers(who))


READ = _graphql("{ products(first: 5) { edges { node { id } } } }")
INGEST_MUTATION = _graphql(
    "mutation($r: [JSON!]!) { ingest(records: $r) { __typename } }",
    r=[{"record": "node", "label": "Tool", "id": "tool-gql", "properties": {}}],
)
RAISE_MUTATION = _graphql(
    """mutation($input: RaiseBacklogItemInput!) {
         raiseBacklogItem(input: $input) { __typename } }""",
    input={
        "product": "no-such-product",
        "kind": "DEBT",
        "title": "t",
        "evidence": {"stage": "Stage:no-such-stage"},
    },
)
LIST_TOKENS_QUERY = _graphql("{ apiTokens { id role } }")
CREATE_TOKEN_MUTATION = _graphql(
    'mutation { createApiToken(name: "ci", role: VIEWER) { secret token { role } } }'
)

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
ROLE_ORDER = [VIEWER, EDITOR, ADMIN]

#: entry point -> (call, the lowest role let in); a GraphQL field refused for a role that
#: may read answers 200 with an error on that field rather than 403.
ENTRY_POINTS: dict[str, tuple[Call, str, bool]] = {
    "graphql query": (READ, VIEWER, False),
    "graphql ingest": (INGEST_MUTATION, EDITOR, True),
    "graphql raiseBacklogItem": (RAISE_MUTATION, EDITOR, True),
    "graphql apiTokens": (LIST_TOKENS_QUERY, ADMIN, True),
    "graphql createApiToken": (CREATE_TOKEN_MUTATION, ADMIN, True),
    "POST /ingest": (_post_ingest, EDITOR, False),
    "GET /export/dora.json": (_get("/export/dora.json?product=no-such-product"), VIEWER, False),
    "GET /metrics": (_get("/metrics"), VIEWER, False),
}


def _allowed(response: httpx.Response) -> bool:
    """Let in: no 401/403, and no permission error on a GraphQL field."""
    if response.status_code in (401, 403):
        return False
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        errors = body.get("errors", []) if isinstance(body, dict) else []
        return not any("role" in e["message"] for e in errors)
    return True


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("who", ["none", "unknown", "revoked", *ROLE_ORDER])
async def test_every_role_on_every_entry_point(secured: Secured, entry: str, who: str) -> None:
    call, lowest, field_level = ENTRY_POINTS[entry]
    response = await call(secured, who)
    if who in ("none", "unknown", "revoked"):
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == 'Bearer realm="vsgraph"'
        return
    should_pass = ROLE_ORDER.index(who) >= ROLE_ORDER.index(lowest)
    assert _allowed(response) is should_pass, (entry, who, response.status_code, response.text)
    if should_pass:
        assert response.status_code < 500, response.text
        if entry == "GET /export/dora.json":
            assert response.status_code == 404  # let in, and told the product is unknown
    elif field_level:
        assert response.status_code == 200
        (error,) = response.json()["errors"]
        assert f"needs the {lowest} role" in error["message"]
    else:
        assert response.status_code == 403
        assert response.json()["error"] == (f"this needs the {lowest} role; the token has {who}")


async def test_a_refused_write_writes_nothing(secured: Secured) -> None:
    refused = await _post_ingest(secured, VIEWER)
    assert refused.status_code == 403
    also_refused = await INGEST_MUTATION(secured, VIEWER)
    assert also_refused.json()["data"] is None
    assert await secured.store.read(COUNT[Label.TOOL]) == [{"total": 0}]


async def test_webhooks_need_their_signature_not_a_token(secured: Secured) -> None:
    body = json.dumps({"zen": "hi", "hook_id": 1}).encode()
    signature = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-GitHub-Event": "ping", "X-GitHub-Delivery": "d-1"}
    unsigned = await secured.client.post("/webhooks/github", content=body, headers=headers)
    assert unsigned.status_code == 401
    signed = await secured.client.post(
        "/webhooks/github", content=body, headers={**headers, "X-Hub-Signature-256": signature}
    )
    assert signed.status_code in (200, 202), signed.text


@pytest.mark.parametrize("path", ["/healthz", "/explorer", "/dashboard", "/static/app/explorer.js"])
async def test_pages_and_health_need_no_token(secured: Secured, path: str) -> None:
    response = await secured.client.get(path)
    assert response.status_code == 200, (path, response.text[:200])


async def test_metrics_can_be_made_public(connection: Connection, store: GraphStore) -> None:
    settings = Settings(auth="required", metrics_public=True)
    async for client, _ in _client(connection, settings):
        assert (await client.get("/metrics")).status_code == 200
        assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 401


async def test_a_token_revoked_over_graphql_is_refused_at_once(secured: Secured) -> None:
    issued = await create_token(secured.store, "short-lived", Role.VIEWER)
    mine = {"Authorization": f"Bearer {issued.secret}"}
    assert (
        await secured.client.post("/graphql", json={"query": "{ __typename }"}, headers=mine)
    ).status_code == 200
    revoke = await secured.client.post(
        "/graphql",
        json={"query": f'mutation {{ revokeApiToken(id: "{issued.token.id}") {{ revokedAt }} }}'},
        headers=secured.headers(ADMIN),
    )
    assert revoke.json()["data"]["revokeApiToken"]["revokedAt"] is not None
    after = await secured.client.post("/graphql", json={"query": "{ __typename }"}, headers=mine)
    assert after.status_code == 401


async def test_a_created_token_works_and_only_its_hash_is_stored(secured: Secured) -> None:
    created = await CREATE_TOKEN_MUTATION(secured, ADMIN)
    issued = created.json()["data"]["createApiToken"]
    assert issued["token"]["role"] == "VIEWER"
    secret = issued["secret"]
    assert secret.startswith("vsg_") and len(secret) > 40
    reads = await secured.client.post(
        "/graphql",
        json={"query": "{ products(first: 1) { edges { node { id } } } }"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert reads.status_code == 200 and "errors" not in reads.json()
    # Every property of every token node: the secret is nowhere, its hash is.
    stored = await secured.store.read(cypher("admin/api_tokens"))
    values = [str(v) for row in stored for v in row["token"].values()]
    assert secret not in values
    assert secret_hash(secret) in values


async def test_loopback_without_tokens_is_open_but_a_sent_token_is_checked(
    connection: Connection, store: GraphStore
) -> None:
    async for client, app_store in _client(connection, Settings()):  # 127.0.0.1, auth auto
        open_ = await client.post("/ingest", content=ndjson([]))
        assert open_.status_code == 200, open_.text
        bogus = {"Authorization": "Bearer vsg_not-a-token"}
        assert (await client.get("/metrics", headers=bogus)).status_code == 401
        viewer = await create_token(app_store, "v", Role.VIEWER)
        as_viewer = {"Authorization": f"Bearer {viewer.secret}"}
        assert (await client.post("/ingest", content=b"", headers=as_viewer)).status_code == 403


async def test_bound_beyond_loopback_tokens_are_required_by_default(
    connection: Connection, store: GraphStore
) -> None:
    async for client, _ in _client(connection, Settings(host="0.0.0.0")):
        assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 401
        assert (await client.get("/healthz")).status_code == 200


async def test_where_introspection_is_off_only_admins_read_the_schema(
    connection: Connection, store: GraphStore
) -> None:
    settings = Settings(auth="required", graphql_introspection=False)
    async for client, app_store in _client(connection, settings):
        query = {"query": "{ __schema { queryType { name } } }"}
        for role, allowed in ((Role.VIEWER, False), (Role.EDITOR, False), (Role.ADMIN, True)):
            issued = await create_token(app_store, role.label, role)
            headers = {"Authorization": f"Bearer {issued.secret}"}
            body = (await client.post("/graphql", json=query, headers=headers)).json()
            if allowed:
                assert body["data"]["__schema"]["queryType"]["name"] == "Query"
            else:
                assert "introspection" in body["errors"][0]["message"].lower(), body
