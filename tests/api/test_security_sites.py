"""Loopback trust only for this machine's own pages (api/http/guard.py), through the real app.

Without a token on loopback a request acts as an admin, so what a browser can be made to
send by another site is refused: a foreign `Host` (DNS rebinding), a foreign `Origin` or
`Sec-Fetch-Site`, a simple-content-type POST, a browser POST without the pages' token.
Each refusal is checked to have written nothing.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.http.guard import CSRF_HEADER, allowed_hosts, host_name
from api.runtime import runtime
from graph.db.store import Connection, GraphStore
from graph.model import Label
from graph.read.entities import COUNT
from graph.settings import Settings
from graph.tokens import Role, create_token, list_tokens
from tests.api.conftest import Api
from tests.factories import ndjson, node

pytestmark = pytest.mark.db

TEAM = ndjson([node("Team", "planted", name="planted")])
READ = {"query": "{ workItems(first: 2) { edges { node { key } } } }"}
MINT = {"query": 'mutation { createApiToken(name: "stolen", role: ADMIN) { secret } }'}


async def _client(app_settings: Settings, connection: Connection) -> AsyncIterator[Api]:
    app = create_app(app_settings, connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
            yield Api(c, runtime(app).store)


@pytest.fixture
async def site(connection: Connection, store: GraphStore) -> AsyncIterator[Api]:
    """The app as `vsg serve` runs it by default: loopback, no token needed."""
    async for api in _client(Settings(github_webhook_secret="s"), connection):
        yield api


async def _nothing_written(store: GraphStore) -> None:
    assert (await store.read(COUNT[Label.TEAM]))[0]["total"] == 0
    assert await list_tokens(store) == []


async def _csrf(site: Api) -> str:
    page = await site.client.get("/explorer")
    found = re.search(r'name="vsg-csrf" content="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


# --- Host: DNS rebinding -----------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8000",
        "127.0.0.1.evil.example",
        "localhost.evil.example:8000",
        "[::2]:8000",
        "",
        "a:b:c",
    ],
)
@pytest.mark.parametrize(
    "request_",
    [
        ("POST", "/graphql", {"json": MINT}),
        ("POST", "/graphql", {"json": READ}),
        ("GET", "/graphql", {"params": READ}),
        ("POST", "/ingest", {"content": TEAM, "headers": {"content-type": "application/x-ndjson"}}),
        ("GET", "/export/dora.json", {"params": {"product": "x"}}),
        ("GET", "/metrics", {}),
        ("GET", "/explorer", {}),
        ("GET", "/dashboard", {}),
        ("GET", "/graphql", {}),
    ],
    ids=lambda r: f"{r[0]} {r[1]}",
)
async def test_a_foreign_host_name_is_refused(
    site: Api, store: GraphStore, host: str, request_: tuple[str, str, dict[str, object]]
) -> None:
    method, path, kwargs = request_
    headers = {**kwargs.pop("headers", {}), "host": host}  # type: ignore[dict-item]
    response = await site.client.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 400, response.text
    assert "VSG_ALLOWED_HOSTS" in response.json()["error"]
    assert "vsg_" not in response.text and "__VSG_CSRF__" not in response.text
    await _nothing_written(store)


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000", "127.0.0.1"]
)
async def test_the_loopback_names_are_answered(site: Api, host: str) -> None:
    response = await site.client.post("/graphql", json=READ, headers={"host": host})
    assert response.status_code == 200, response.text


async def test_configured_names_are_answered(connection: Connection, store: GraphStore) -> None:
    settings = Settings(allowed_hosts=("vsg.example.org",))
    async for api in _client(settings, connection):
        ok = await api.client.post("/graphql", json=READ, headers={"host": "vsg.example.org"})
        assert ok.status_code == 200
        refused = await api.client.post("/graphql", json=READ, headers={"host": "other.org"})
        assert refused.status_code == 400


async def test_webhooks_and_health_are_judged_by_their_own_rules(site: Api) -> None:
    """Webhooks are signed (a foreign Host gets the signature's 401, not the Host's
    400); health checks come through proxies by any name."""
    hook = await site.client.post(
        "/webhooks/github", content=b"{}", headers={"host": "hooks.example", "origin": "https://x"}
    )
    assert hook.status_code == 401, hook.text
    assert (await site.client.get("/healthz", headers={"host": "10.0.0.7"})).status_code == 200


# --- Origin, Sec-Fetch-Site, content types, the pages' token -------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "http://127.0.0.1:9000"},  # another port: another origin
        {"origin": "null"},  # a sandboxed frame or a file:// page
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "http://evil.example", "sec-fetch-site": "cross-site"},
    ],
)
@pytest.mark.parametrize("body", [MINT, READ], ids=["mint", "read"])
async def test_another_origin_is_refused(
    site: Api, store: GraphStore, headers: dict[str, str], body: dict[str, str]
) -> None:
    csrf = await _csrf(site)  # even with the token, another site is not the page
    response = await site.client.post("/graphql", json=body, headers={**headers, CSRF_HEADER: csrf})
    assert response.status_code == 403, response.text
    assert "Authorization: Bearer" in response.json()["error"]
    await _nothing_written(store)


async def test_a_cross_site_read_by_get_is_refused(site: Api) -> None:
    response = await site.client.get(
        "/graphql",
        params=READ,
        headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "TEXT/PLAIN",
    ],
)
@pytest.mark.parametrize("path", ["/ingest", "/graphql"])
async def test_a_simple_content_type_post_is_refused(
    site: Api, store: GraphStore, content_type: str, path: str
) -> None:
    body = TEAM if path == "/ingest" else str(MINT).replace("'", '"')
    response = await site.client.post(path, content=body, headers={"content-type": content_type})
    assert response.status_code == 415, response.text
    assert "application/x-ndjson" in response.json()["error"]
    await _nothing_written(store)


async def test_a_browser_post_without_the_pages_token_is_refused(
    site: Api, store: GraphStore
) -> None:
    same_origin = {"origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"}
    for headers in (
        same_origin,
        {**same_origin, CSRF_HEADER: "guessed"},
        {"sec-fetch-mode": "cors"},
    ):
        response = await site.client.post("/graphql", json=MINT, headers=headers)
        assert response.status_code == 403, response.text
        assert "reload the page" in response.json()["error"]
    # A browser's body without a type (a Blob) is a simple request too.
    blob = await site.client.post("/ingest", content=TEAM, headers=same_origin)
    assert blob.status_code == 415
    await _nothing_written(store)


async def test_the_pages_token_lets_the_pages_in(site: Api, store: GraphStore) -> None:
    csrf = await _csrf(site)
    assert len(csrf) >= 32
    for page in ("/dashboard", "/graphql"):
        assert csrf in (await site.client.get(page, headers={"accept": "text/html"})).text
    same_origin = {"origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"}
    response = await site.client.post(
        "/graphql", json=READ, headers={**same_origin, CSRF_HEADER: csrf}
    )
    assert response.status_code == 200 and "errors" not in response.json()
    ingest = await site.client.post(
        "/ingest",
        content=TEAM,
        headers={**same_origin, CSRF_HEADER: csrf, "content-type": "application/x-ndjson"},
    )
    assert ingest.status_code == 200, ingest.text


async def test_scripts_on_the_machine_still_work_without_a_token(site: Api) -> None:
    """curl, httpx and `vsg` send no Origin and no Sec-Fetch-*: no page, no CSRF."""
    assert (await site.client.post("/graphql", json=READ)).status_code == 200
    assert (await site.client.post("/ingest", content=TEAM)).status_code == 200
    typed = await site.client.post(
        "/ingest", content=TEAM, headers={"content-type": "application/x-ndjson"}
    )
    assert typed.status_code == 200


async def test_each_process_has_its_own_token(connection: Connection, store: GraphStore) -> None:
    tokens = set()
    for _ in range(2):
        async for api in _client(Settings(), connection):
            tokens.add(await _csrf(api))
    assert len(tokens) == 2


async def test_a_request_with_a_token_is_judged_by_its_token(
    connection: Connection, store: GraphStore
) -> None:
    """Another origin with a valid token is let in (the token is the credential; a page
    on another site can neither read it nor send it without CORS); without one, the
    required token refuses it first."""
    async for api in _client(Settings(auth="required"), connection):
        issued = await create_token(api.store, "viewer", Role.VIEWER)
        foreign = {"origin": "http://evil.example", "sec-fetch-site": "cross-site"}
        with_token = {**foreign, "authorization": f"Bearer {issued.secret}"}
        assert (await api.client.post("/graphql", json=READ, headers=with_token)).status_code == 200
        assert (await api.client.post("/graphql", json=READ, headers=foreign)).status_code == 403


# --- pure rules ---------------------------------------------------------------------------


def test_host_names_are_parsed() -> None:
    assert host_name("LocalHost:8000") == "localhost"
    assert host_name("[::1]:8000") == "::1"
    assert host_name("[::1]") == "::1"
    assert host_name("127.0.0.1") == "127.0.0.1"
    for bad in ("", ":80", "a:b", "[::1", "[::1]x", "a:80:90"):
        assert host_name(bad) is None, bad


def test_which_names_are_answered() -> None:
    assert allowed_hosts(Settings()) == {"127.0.0.1", "localhost", "::1"}
    assert allowed_hosts(Settings(host="vsg.lan")) == {"127.0.0.1", "localhost", "::1", "vsg.lan"}
    assert allowed_hosts(Settings(allowed_hosts=("*",))) is None
    # docker: every interface, tokens required: any name (a token is needed anyway)
    assert allowed_hosts(Settings(host="0.0.0.0")) is None
    # every interface without tokens: only the names given
    assert allowed_hosts(Settings(host="0.0.0.0", auth="off", allowed_hosts=("vsg.lan",))) == {
        "127.0.0.1",
        "localhost",
        "::1",
        "vsg.lan",
    }
    assert Settings.from_env(
        {"VSG_ALLOWED_HOSTS": " VSG.lan:8000, [fd00::1]:80 ,"}
    ).allowed_hosts == ("vsg.lan", "fd00::1")
