"""Which environments are production: the organisation's `VSG_PRODUCTION_PATTERN` and a
request's `productionPattern`, over GraphQL, the CLI and the settings (times 2025, UTC).

A product whose production is called `Live-EU`, worked by hand over [Apr 1, Apr 8):

    c0 (Apr 1 00:00) <- c1 (Apr 2 12:00)
    L0 ok, Live-EU, finished Apr 1 12:00, head c0: the chain's first, ships c0 (excluded)
    L1 ok, Live-EU, finished Apr 3 12:00, head c1: ships c1, 24 h after it was authored
    S1 ok, staging, finished Apr 2 18:00, head c1

Under DevLake's default `(?i)prod.*` nothing is production: no deployment, no change.
Under `live.*` (any case): 2 deployments in 7 days, one change of 24 h, one excluded.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.settings import ConfigError, Settings, production_regex
from graph.store import Connection, GraphStore
from tests.api.conftest import Api
from tests.factories import Record, node, rel
from tests.integration.test_cli import vsg

pytestmark = pytest.mark.db

PRODUCT = """
query($id: ID!, $pattern: String) {
  node(id: $id) { ... on Product {
    dora(from: "2025-04-01T00:00:00Z", to: "2025-04-08T00:00:00Z", productionPattern: $pattern) {
      environment
      deploymentFrequency { deployments perDay }
      leadTime { changes excluded medianHours perChange { key hours deployment { key } } }
    }
  } }
}
"""

QUALITY = """
query($pattern: String) {
  dataQuality(productionPattern: $pattern) { productionPattern environments { name production } }
}
"""


def live_records(p: str) -> list[Record]:
    repo = f"{p}-repo"

    def commit(name: str, at: str, *parents: str) -> list[Record]:
        return [
            node("Commit", f"{p}-{name}", message=name, authoredAt=f"2025-{at}:00Z"),
            rel("IN_REPO", ("Commit", f"{p}-{name}"), ("Repository", repo)),
            *(rel("PARENT", ("Commit", f"{p}-{name}"), ("Commit", f"{p}-{x}")) for x in parents),
        ]

    def deployment(name: str, env: str, finished: str, head: str) -> list[Record]:
        return [
            node("Deployment", f"{p}-{name}", environment=env, status="success",
                 startedAt=f"2025-{finished}:00Z", finishedAt=f"2025-{finished}:00Z"),
            rel("DEPLOYED", ("Deployment", f"{p}-{name}"), ("Commit", f"{p}-{head}")),
        ]  # fmt: skip

    return [
        node("Product", f"{p}-product", name="Shop"),
        node("Repository", repo, name="shop-api"),
        rel("FOR_PRODUCT", ("Repository", repo), ("Product", f"{p}-product")),
        *commit("c0", "04-01T00:00"),
        *commit("c1", "04-02T12:00", "c0"),
        *deployment("l0", "Live-EU", "04-01T12:00", "c0"),
        *deployment("l1", "Live-EU", "04-03T12:00", "c1"),
        *deployment("s1", "staging", "04-02T18:00", "c1"),
    ]


def counted(dora: dict[str, Any]) -> tuple[int, int, int]:
    lt = dora["leadTime"]
    return dora["deploymentFrequency"]["deployments"], lt["changes"], lt["excluded"]


async def test_a_live_environment_counts_only_under_a_pattern_that_names_it(api: Api) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(api.store, parse_objects(live_records(p)))
    product = f"Product:{p}-product"

    default = (await api.graphql(PRODUCT, id=product))["node"]["dora"]
    assert default["environment"] == "production"
    assert counted(default) == (0, 0, 0)
    assert default["leadTime"]["medianHours"] is None

    live = (await api.graphql(PRODUCT, id=product, pattern="live.*"))["node"]["dora"]
    assert counted(live) == (2, 1, 1)
    assert live["deploymentFrequency"]["perDay"] == pytest.approx(2 / 7)
    # c1: Apr 2 12:00 -> L1 Apr 3 12:00 = 24 h; c0 came with the chain's first (excluded).
    assert live["leadTime"]["medianHours"] == 24.0
    assert [(c["key"], c["hours"], c["deployment"]["key"]) for c in
            live["leadTime"]["perChange"]] == [
        (f"commit:{p}-c1", 24.0, f"{p}-l1"),
        (f"commit:{p}-c0", 12.0, f"{p}-l0"),
    ]  # fmt: skip

    # The whole name, any case: `live` alone is not `Live-EU`; `LIVE-.*` is.
    assert counted((await api.graphql(PRODUCT, id=product, pattern="live"))["node"]["dora"]) == (
        0,
        0,
        0,
    )
    upper = (await api.graphql(PRODUCT, id=product, pattern="LIVE-.*"))["node"]["dora"]
    assert counted(upper) == (2, 1, 1)

    # The data quality report reads environments by the same pattern.
    report = (await api.graphql(QUALITY, pattern="live.*"))["dataQuality"]
    assert report["productionPattern"] == "(?i)live.*"
    assert {"name": "Live-EU", "production": True} in report["environments"]

    bad = await api.graphql_raw(PRODUCT, id=product, pattern="live[")
    assert "productionPattern" in bad["errors"][0]["message"]


@pytest.fixture
async def live_api(connection: Connection, store: GraphStore) -> AsyncIterator[Api]:
    """The app of an organisation whose production is `live.*` (VSG_PRODUCTION_PATTERN)."""
    settings = Settings.from_env({"VSG_PRODUCTION_PATTERN": "live.*"})
    app = create_app(settings, connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield Api(client, app.state.store)


async def test_the_organisation_setting_is_every_request_s_default(live_api: Api) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(live_api.store, parse_objects(live_records(p)))
    product = f"Product:{p}-product"
    assert counted((await live_api.graphql(PRODUCT, id=product))["node"]["dora"]) == (2, 1, 1)
    # A request still says otherwise for itself.
    assert counted(
        (await live_api.graphql(PRODUCT, id=product, pattern="prod.*"))["node"]["dora"]
    ) == (0, 0, 0)
    repositories = await live_api.graphql(
        """query($r: [ID!]!) { dora(repositories: $r, from: "2025-04-01T00:00:00Z",
             to: "2025-04-08T00:00:00Z") { deploymentFrequency { deployments } } }""",
        r=[f"{p}-repo"],
    )
    assert repositories["dora"]["deploymentFrequency"]["deployments"] == 2
    report = (await live_api.graphql(QUALITY))["dataQuality"]
    assert report["productionPattern"] == "(?i)live.*"
    exported = await live_api.client.get(
        "/export/dora.json",
        params={"product": f"{p}-product", "from": "2025-04-01", "to": "2025-04-08"},
    )
    assert exported.status_code == 200, exported.text
    assert exported.json()[0]["deployments"] == 2


async def test_vsg_dora_reads_the_setting_and_its_option_overrides_it(
    store: GraphStore, connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(store, parse_objects(live_records(p)))
    window = ("--product", f"{p}-product", "--from", "2025-04-01", "--to", "2025-04-08")
    default = vsg(connection, "dora", *window, "--format", "json")
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout)[0]["deployments"] == 0
    option = vsg(connection, "dora", *window, "--format", "json", "--production-pattern", "live.*")
    assert json.loads(option.stdout)[0]["deployments"] == 2
    monkeypatch.setenv("VSG_PRODUCTION_PATTERN", "(live|prod).*")
    setting = vsg(connection, "dora", *window, "--format", "json")
    assert json.loads(setting.stdout)[0]["deployments"] == 2
    bad = vsg(connection, "dora", *window, "--production-pattern", "live[")
    assert bad.returncode == 2 and "not a regular expression" in bad.stderr


def test_the_setting_is_read_once_and_checked() -> None:
    assert Settings.from_env({}).production_pattern == "(?i)prod.*"
    assert Settings.from_env({"VSG_PRODUCTION_PATTERN": "live.*"}).production_pattern == "live.*"
    with pytest.raises(ConfigError, match="VSG_PRODUCTION_PATTERN"):
        Settings.from_env({"VSG_PRODUCTION_PATTERN": "live["})
    # Matched in any case: `(?i)` is added once, never twice.
    assert production_regex("live.*") == "(?i)live.*"
    assert production_regex("(?i)prod.*") == "(?i)prod.*"
