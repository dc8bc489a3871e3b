"""Which environments are production: the organisation's `VSG_PRODUCTION_PATTERN` and a
request's `productionPattern`, over GraphQL, the CLI and the settings (times 2025, UTC).

A product whose production is called `Live-EU`, worked by hand over [Apr 1, Apr 8):

    c0 (Apr 1 00:00) <- c1 (Apr 2 12:00)
    L0 ok, Live-EU, finished Apr 1 12:00, head c0: the chain's first, ships c0 (excluded)
    L1 ok, Live-EU, finished Apr 3 12:00, head c1: ships c1, 24 h after it was authored
    S1 ok, staging, finished Apr 2 18:00, head c1

Under DevLake's default `(?i)prod.*` nothing is production: no deployment, no change.
Under `live.*` (any case): 2 deployments in 7 days, one change of 24 h, one excluded.

Incident causes inferred at ingest (`incident_records`, the same product and more):

    P1 ok, prod-eu, finished Apr 2 06:00, head c0
    L2 ok, Live-EU, finished Apr 5 00:00, head c1 (ships nothing new)
    i1 no environment, created Apr 4 00:00, no cause given
    i2 no environment, created Apr 3 18:00, CAUSED_BY L0 given by the tool (explicit)

i1 is a production incident: its cause is the latest production deployment finished
before Apr 4 00:00, P1 under `prod.*`, L1 (Apr 3 12:00; L2 is later) under `live.*`. i2
keeps L0 under every pattern. So the change failure rate of `live.*` over [Apr 1, Apr 8),
deployments L0 L1 L2: with causes inferred under `prod.*`, only L0 failed (1/3); with
causes inferred under `live.*`, L0 and L1 (2/3).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.runtime import runtime
from graph.db.queries import parse
from graph.db.store import Connection, GraphStore
from graph.ingest.causes import incident_pattern, reattribute_all
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.settings import ConfigError, Settings, production_regex
from tests.api.conftest import Api
from tests.api.test_webhooks import DEPLOYMENT, REPO, SECRET, push, signed
from tests.factories import Record, commit, deployment, ndjson, node, rel
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

    return [
        node("Product", f"{p}-product", name="Shop"),
        node("Repository", repo, name="shop-api"),
        rel("FOR_PRODUCT", ("Repository", repo), ("Product", f"{p}-product")),
        *commit(p, repo, "c0", "04-01T00:00"),
        *commit(p, repo, "c1", "04-02T12:00", "c0"),
        *deployment(p, "l0", "Live-EU", "04-01T12:00", "c0"),
        *deployment(p, "l1", "Live-EU", "04-03T12:00", "c1"),
        *deployment(p, "s1", "staging", "04-02T18:00", "c1"),
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
            yield Api(client, runtime(app).store)


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


CAUSES = parse(
    "test/production_pattern_causes",
    "// cardinality: rows\n"
    "MATCH (i:Incident)-[c:CAUSED_BY]->(d:Deployment) WHERE i.id STARTS WITH $prefix "
    "RETURN i.id AS incident, d.id AS deployment, c.inferred AS inferred",
)

REPO_ID = "github.com/acme/payments"

FAILURE_RATE = """
query($id: ID!, $pattern: String) {
  node(id: $id) { ... on Product {
    dora(from: "2025-04-01T00:00:00Z", to: "2025-04-08T00:00:00Z", productionPattern: $pattern) {
      changeFailureRate { deployments failed rate }
    }
  } }
}
"""


def incident_records(p: str) -> list[Record]:
    """`live_records` and the deployments and incidents of the module's second example."""
    product = ("Product", f"{p}-product")

    def incident(name: str, created: str) -> list[Record]:
        return [
            node("Incident", f"{p}-{name}", title=name, severity="SEV2",
                 createdAt=f"2025-{created}:00Z"),
            rel("AFFECTS", ("Incident", f"{p}-{name}"), product),
        ]  # fmt: skip

    return [
        *live_records(p),
        *deployment(p, "p1", "prod-eu", "04-02T06:00", "c0"),
        *deployment(p, "l2", "Live-EU", "04-05T00:00", "c1"),
        *incident("i1", "04-04T00:00"),
        *incident("i2", "04-03T18:00"),
        rel("CAUSED_BY", ("Incident", f"{p}-i2"), ("Deployment", f"{p}-l0")),
    ]


async def causes(store: GraphStore, p: str) -> dict[str, tuple[str, bool]]:
    """Each incident of `p`: (its cause, whether inferred), short names."""
    cut = len(p) + 1
    return {
        r["incident"][cut:]: (r["deployment"][cut:], r["inferred"])
        for r in await store.read(CAUSES, prefix=f"{p}-")
    }


async def failure_rate(api: Api, p: str, pattern: str | None = "live.*") -> dict[str, Any]:
    data = await api.graphql(FAILURE_RATE, id=f"Product:{p}-product", pattern=pattern)
    rate: dict[str, Any] = data["node"]["dora"]["changeFailureRate"]
    return rate


async def post(api: Api, records: list[Record]) -> None:
    response = await api.client.post(
        "/ingest", content=ndjson(records), headers={"Content-Type": "application/x-ndjson"}
    )
    assert response.status_code == 200, response.text


def test_a_production_incident_s_candidates_are_the_pattern_s() -> None:
    assert incident_pattern(None, "live.*") == "(?i)live.*"
    assert incident_pattern("PRODUCTION", "(live|prod).*") == "(?i)(live|prod).*"
    # An incident naming its environment matches that name, whatever the pattern.
    assert incident_pattern("Live-EU", "prod.*") == incident_pattern("live-eu")


async def test_post_ingest_infers_causes_among_the_organisation_s_production(
    live_api: Api, api: Api
) -> None:
    p = uuid.uuid4().hex[:6]
    await post(live_api, incident_records(p))
    assert await causes(live_api.store, p) == {"i1": ("l1", True), "i2": ("l0", False)}
    # Hand-computed above: L0 (i2, explicit) and L1 (i1, inferred) of L0 L1 L2.
    assert await failure_rate(live_api, p) == {"deployments": 3, "failed": 2, "rate": 2 / 3}
    assert await failure_rate(live_api, p, None) == {"deployments": 3, "failed": 2, "rate": 2 / 3}

    # The same facts through an app on the default pattern: P1 is i1's cause, and
    # `live.*` asked for in a request then sees only the explicit failure.
    q = uuid.uuid4().hex[:6]
    await post(api, incident_records(q))
    assert await causes(api.store, q) == {"i1": ("p1", True), "i2": ("l0", False)}
    assert await failure_rate(api, q) == {"deployments": 3, "failed": 1, "rate": 1 / 3}


async def test_re_inferring_under_a_new_pattern_moves_inferred_causes_only(
    api: Api, connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = uuid.uuid4().hex[:6]
    await post(api, incident_records(p))
    assert await causes(api.store, p) == {"i1": ("p1", True), "i2": ("l0", False)}

    # `vsg rederive --causes` with the organisation's new setting.
    monkeypatch.setenv("VSG_PRODUCTION_PATTERN", "live.*")
    done = vsg(connection, "rederive", "--causes")
    assert done.returncode == 0, done.stderr
    assert "(?i)live.*" in done.stderr and "1 inferred cause(s) added, 1 removed" in done.stderr
    assert await causes(api.store, p) == {"i1": ("l1", True), "i2": ("l0", False)}
    assert await failure_rate(api, p) == {"deployments": 3, "failed": 2, "rate": 2 / 3}

    # Again: nothing changes. Back to the default: back to P1; the explicit cause stays.
    again = await reattribute_all(api.store, production_pattern="live.*")
    assert (again.created, again.deleted) == (0, 0)
    back = await reattribute_all(api.store)
    assert (back.created, back.deleted) == (1, 1)
    assert await causes(api.store, p) == {"i1": ("p1", True), "i2": ("l0", False)}
    # A pattern naming no deployment leaves production incidents without a cause.
    await reattribute_all(api.store, production_pattern="nowhere")
    assert await causes(api.store, p) == {"i2": ("l0", False)}

    nothing = vsg(connection, "rederive")
    assert nothing.returncode == 2 and "--causes" in nothing.stderr


@asynccontextmanager
async def hooks_app(connection: Connection, **env: str) -> AsyncIterator[Api]:
    """The app of an organisation with settings `env` that takes GitHub webhooks."""
    settings = Settings.from_env({**env, "VSG_GITHUB_WEBHOOK_SECRET": SECRET})
    app = create_app(settings, connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield Api(client, runtime(app).store)


async def github(api: Api, event: str, payload: Any, delivery: str) -> None:
    body = json.dumps(payload).encode()
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signed(body),
    }
    response = await api.client.post("/webhooks/github", content=body, headers=headers)
    assert response.status_code == 200, response.text


async def deployed_after_the_incident(api: Api) -> list[dict[str, Any]]:
    """An incident known before its deployment, which then arrives by webhooks (a push,
    a success to `Live-EU` at 14:09, before the incident at 15:00): the causes after."""
    p = uuid.uuid4().hex[:6]
    repository, product = REPO_ID, ("Product", f"{p}-product")
    records = [
        node("Product", f"{p}-product", name="Payments"),
        node("Repository", repository, name="payments"),
        rel("FOR_PRODUCT", ("Repository", repository), product),
        node("Incident", f"{p}-i1", title="down", severity="SEV1",
             createdAt="2025-03-05T15:00:00Z"),
        rel("AFFECTS", ("Incident", f"{p}-i1"), product),
    ]  # fmt: skip
    await post(api, records)
    await github(api, "push", push("e" * 40), "d-1")
    status = {
        "action": "created",
        "deployment_status": {"state": "success", "created_at": "2025-03-05T14:09:00Z"},
        "deployment": {**DEPLOYMENT, "environment": "Live-EU"},
        "repository": REPO,
    }
    await github(api, "deployment_status", status, "d-2")
    return [
        {**row, "incident": row["incident"][len(p) + 1 :]}
        for row in await api.store.read(CAUSES, prefix=f"{p}-")
    ]


async def test_a_webhook_deployment_is_the_cause_under_the_organisation_s_pattern(
    connection: Connection, store: GraphStore
) -> None:
    async with hooks_app(connection, VSG_PRODUCTION_PATTERN="live.*") as live:
        assert await deployed_after_the_incident(live) == [
            {"incident": "i1", "deployment": f"{REPO_ID}/deployments/501", "inferred": True}
        ]


async def test_a_webhook_deployment_to_live_is_no_cause_under_the_default(
    connection: Connection, store: GraphStore
) -> None:
    async with hooks_app(connection) as default:
        assert await deployed_after_the_incident(default) == []


RESTORE = """
query($id: ID!, $pattern: String, $environment: String) {
  node(id: $id) { ... on Product {
    dora(from: "2025-04-01T00:00:00Z", to: "2025-04-08T00:00:00Z",
         productionPattern: $pattern, environment: $environment) {
      timeToRestore { incidents unresolved medianHours }
    }
  } }
}
"""


async def test_time_to_restore_counts_incidents_naming_no_environment_as_production(
    api: Api,
) -> None:
    """Resolved in the window: n0 (no environment, 2 h), n1 (`PRODUCTION`, 4 h), n2
    (`Live-EU`, 6 h), n3 (`staging`, 8 h). Production under `live.*` is n0, n1 and n2
    (median 4 h); under the default, n0 and n1 (median 3 h); `staging` is n3 alone."""
    p = uuid.uuid4().hex[:6]
    product = ("Product", f"{p}-product")
    records: list[Record] = [node("Product", f"{p}-product", name="Live product")]
    for n, (environment, hours) in enumerate(
        [(None, 2), ("PRODUCTION", 4), ("Live-EU", 6), ("staging", 8)]
    ):
        named = {} if environment is None else {"environment": environment}
        records += [
            node("Incident", f"{p}-n{n}", title=f"n{n}", severity="SEV2",
                 createdAt="2025-04-02T00:00:00Z", resolvedAt=f"2025-04-02T{hours:02d}:00:00Z",
                 **named),
            rel("AFFECTS", ("Incident", f"{p}-n{n}"), product),
        ]  # fmt: skip
    await post(api, records)

    async def restore(pattern: str | None, environment: str = "production") -> Any:
        data = await api.graphql(
            RESTORE, id=f"Product:{p}-product", pattern=pattern, environment=environment
        )
        return data["node"]["dora"]["timeToRestore"]

    assert await restore("live.*") == {"incidents": 3, "unresolved": 0, "medianHours": 4.0}
    assert await restore(None) == {"incidents": 2, "unresolved": 0, "medianHours": 3.0}
    assert await restore(None, "staging") == {"incidents": 1, "unresolved": 0, "medianHours": 8.0}
