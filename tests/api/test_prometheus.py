"""`GET /metrics`, read back with Prometheus' own exposition parser.

The literal org lives in the last 90 days (the exposition's window ends at the scrape):
day D is 20 days before today, 00:00 UTC. Stages: Backlog (new), Dev (active),
Review (waiting), Done (done).

- story1: Dev D, Review D+2, Done D+4: flow time 4 d, 2 d of it active.
- story2: Dev D+1, Done D+2: flow time 1 d, all active.
- defect1: Dev D+3, still there.      story3: Backlog D+5.     story4: Dev D+1, Review D+6.

So now: WIP Backlog 1, Dev 1, Review 1, Done 2; velocity feature 2 (stories), defect 0;
flow time [1, 4] d: median 2.5, p85 1 + 0.85 * 3 = 3.55; efficiency (2 + 1) / (4 + 1) =
0.6; exposed in seconds (a day is 86,400 s). The constraint is the station with the top
score (graph/analysis/constraints.py works the ranking out; here it is only read back).

Delivery (repository of the product): c0 (D-10) deployed by d1 at D-9 (the repository's
first deployment: its changes are excluded from lead time); c1 (D 10:00) by d2 at D+1
10:00: 24 h; c2 (D+2 00:00) by d3 at D+2 12:00: 12 h. Incident i1 D+2 13:00 -> 15:00,
attributed to d3. So 3 deployments, 3/90 per day; lead time median 18 h, p85
12 + 0.85 * 12 = 22.2 h; change failure rate 1/3; time to restore 2 h. A second product,
`empty`, has nothing: 0 deployments and no statistic at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from api.app import create_app
from api.http.prometheus import SPECS
from api.runtime import runtime
from graph.db.store import Connection, GraphStore
from graph.metrics.dora_queries import product_dora
from graph.metrics.flow import FlowQuery, ScopeKind, Window, flow_metrics
from graph.metrics.flow_queries import load_flow_data
from graph.settings import Settings
from tests.api.conftest import Api
from tests.api.test_webhooks import SECRET, github, push
from tests.factories import Record, SmallOrg, ndjson, node, rel, state

pytestmark = pytest.mark.db

D = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=20)


def at(days: float, hours: float = 0) -> str:
    return (D + timedelta(days=days, hours=hours)).isoformat()


def org_records(org: SmallOrg) -> list[Record]:
    """The org of the module docstring."""
    p = org.id
    out = org.records()
    for kind, name in [("Defect", "defect1"), ("Story", "story3"), ("Story", "story4")]:
        out += [
            node(kind, p(name), title=name, createdAt=at(-30)),
            rel("FOR_PRODUCT", (kind, p(name)), ("Product", org.product)),
        ]

    def moves(name: str, *changes: tuple[str, float]) -> None:
        out.extend(state(p(name), at(day), state=to) for to, day in changes)

    moves("story1", ("In Progress", 0), ("In Review", 2), ("Done", 4))
    moves("story2", ("In Progress", 1), ("Done", 2))
    moves("defect1", ("In Progress", 3))
    moves("story3", ("To Do", 5))
    moves("story4", ("In Progress", 1), ("In Review", 6))

    repo = p("repo")
    out += [
        node("Repository", repo, name="checkout-api"),
        rel("FOR_PRODUCT", ("Repository", repo), ("Product", org.product)),
        node("Product", p("empty"), name="Nothing yet"),
    ]
    for name, authored, parent in [
        ("c0", at(-10), None),
        ("c1", at(0, 10), "c0"),
        ("c2", at(2), "c1"),
    ]:
        out += [
            node("Commit", p(name), message=name, authoredAt=authored),
            rel("IN_REPO", ("Commit", p(name)), ("Repository", repo)),
        ]
        if parent:
            out.append(rel("PARENT", ("Commit", p(name)), ("Commit", p(parent))))
    for name, head, finished in [
        ("d1", "c0", at(-9)),
        ("d2", "c1", at(1, 10)),
        ("d3", "c2", at(2, 12)),
    ]:
        out += [
            node(
                "Deployment",
                p(name),
                environment="production",
                status="success",
                startedAt=at(-20),
                finishedAt=finished,
            ),
            rel("DEPLOYED", ("Deployment", p(name)), ("Commit", p(head))),
        ]
    out += [
        node(
            "Incident",
            p("i1"),
            title="down",
            severity="SEV2",
            createdAt=at(2, 13),
            resolvedAt=at(2, 15),
        ),
        rel("AFFECTS", ("Incident", p("i1")), ("Product", org.product)),
    ]
    return out


async def load_org(api: Api) -> SmallOrg:
    org = SmallOrg()
    response = await api.client.post("/ingest", content=ndjson(org_records(org)))
    assert response.status_code == 200, response.text
    return org


Values = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(client: httpx.AsyncClient) -> tuple[dict[str, str], Values]:
    """The families' types, and every sample's value by (name, labels)."""
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    types, values = {}, {}
    for family in text_string_to_metric_families(response.text):
        types[family.name] = family.type
        for s in family.samples:
            assert isinstance(s, Sample)
            values[(s.name, frozenset(s.labels.items()))] = s.value
    return types, values


def value(values: Values, name: str, /, **labels: str) -> float | None:
    return values.get((name, frozenset(labels.items())))


async def test_the_exposition_parses_and_has_the_hand_worked_figures(api: Api) -> None:
    org = await load_org(api)
    vs, product = org.id("vs"), org.product
    types, values = await scrape(api.client)

    # Every declared family is there, with its type (counters lose _total in the parser).
    expected = {s.name.removesuffix("_total"): str(s.type) for s in SPECS}
    assert types == expected

    here = {"value_stream": vs, "product": product}
    load = {
        stage: value(values, "vsg_flow_load", **here, stage=org.stage(stage), state=kind)
        for stage, kind in [("backlog", "new"), ("dev", "active"), ("review", "waiting")]
    }
    assert load == {"backlog": 1, "dev": 1, "review": 1}
    assert value(values, "vsg_flow_load", **here, stage=org.stage("done"), state="done") is None
    items = {
        stage: value(values, "vsg_stage_items", **here, stage=org.stage(stage), state=kind)
        for stage, kind in [("backlog", "new"), ("dev", "active"), ("done", "done")]
    }
    assert items == {"backlog": 1, "dev": 1, "done": 2}  # the CFD's bands, done included
    day = 86_400
    assert value(values, "vsg_flow_time_median_seconds", **here) == pytest.approx(2.5 * day)
    assert value(values, "vsg_flow_time_p85_seconds", **here) == pytest.approx(3.55 * day)
    assert value(values, "vsg_flow_velocity_items", **here, flow_type="feature") == 2
    assert value(values, "vsg_flow_velocity_items", **here, flow_type="defect") == 0
    assert value(values, "vsg_flow_efficiency_ratio", **here) == pytest.approx(0.6)
    assert value(values, "vsg_value_stream_info", **here, name="Checkout delivery") == 1
    assert (
        value(
            values,
            "vsg_stage_info",
            value_stream=vs,
            stage=org.stage("review"),
            name="Review",
            state="waiting",
        )
        == 3
    )

    assert value(values, "vsg_dora_deployments", product=product) == 3
    assert value(values, "vsg_dora_deployments_per_day", product=product) == pytest.approx(3 / 90)
    hour = 3_600
    lead_median = value(values, "vsg_dora_lead_time_median_seconds", product=product)
    assert lead_median == pytest.approx(18 * hour)
    lead_p85 = value(values, "vsg_dora_lead_time_p85_seconds", product=product)
    assert lead_p85 == pytest.approx(22.2 * hour)
    assert value(values, "vsg_dora_change_failure_rate", product=product) == pytest.approx(1 / 3)
    restore = value(values, "vsg_dora_time_to_restore_median_seconds", product=product)
    assert restore == 2 * hour
    # Levels: 4 elite .. 1 low, each key's, as graph/metrics/dora.py bands them.
    levels = {
        key: value(values, "vsg_dora_level", product=product, key=key)
        for key in ("deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore")
    }
    assert set(levels.values()) <= {1, 2, 3, 4} and None not in levels.values()

    # The constraint: one stage, named, among the ranked stations, with the top score.
    [(constraint, top)] = [
        (dict(labels), v) for (n, labels), v in values.items() if n == "vsg_constraint_info"
    ]
    assert top == 1 and constraint["value_stream"] == vs
    scores = {
        dict(labels)["stage"]: v for (n, labels), v in values.items() if n == "vsg_station_score"
    }
    assert max(scores, key=lambda stage: scores[stage]) == constraint["stage"]

    # No data: a count is 0, a statistic is absent.
    empty = org.id("empty")
    assert value(values, "vsg_dora_deployments", product=empty) == 0
    for name in (
        "vsg_dora_deployments_per_day",
        "vsg_dora_change_failure_rate",
        "vsg_dora_time_to_restore_median_seconds",
        "vsg_dora_lead_time_median_seconds",
        "vsg_dora_lead_time_p85_seconds",
    ):
        assert value(values, name, product=empty) is None
    assert not [k for k in values if k[0] == "vsg_dora_level" and ("product", empty) in k[1]]

    # The ingest above came in over POST /ingest.
    records = len(org_records(org))
    assert value(values, "vsg_ingest_records_total", entry_point="http") == records
    assert value(values, "vsg_ingest_batches_total", entry_point="http") == 1
    assert value(values, "vsg_ingest_records_total", entry_point="graphql") == 0


async def test_the_figures_are_those_of_the_flow_and_dora_functions(api: Api) -> None:
    org = await load_org(api)
    _, values = await scrape(api.client)
    window = Window.of(None, None, datetime.now(UTC))
    data = await load_flow_data(api.store, FlowQuery(ScopeKind.VALUE_STREAM, org.id("vs"), window))
    m = flow_metrics(data)
    here = {"value_stream": org.id("vs"), "product": org.product}
    assert m.flow_time.median is not None and m.flow_time.p85 is not None
    median = value(values, "vsg_flow_time_median_seconds", **here)
    assert median == pytest.approx(m.flow_time.median * 86_400)
    assert value(values, "vsg_flow_time_p85_seconds", **here) == pytest.approx(
        m.flow_time.p85 * 86_400
    )
    assert sum(v for (n, _), v in values.items() if n == "vsg_flow_velocity_items") == m.velocity
    d = await product_dora(api.store, org.product, window)
    assert d.lead_time.p85_hours is not None
    assert value(values, "vsg_dora_lead_time_p85_seconds", product=org.product) == (
        pytest.approx(d.lead_time.p85_hours * 3_600)
    )
    assert value(values, "vsg_dora_change_failure_rate", product=org.product) == (
        d.change_failure_rate.rate
    )


MORE = "mutation($r: [JSON!]!) { ingest(records: $r) { __typename } }"


async def test_graph_figures_are_cached_and_counters_are_live(api: Api) -> None:
    org = await load_org(api)
    _, before = await scrape(api.client)
    # story3 goes from the Backlog straight to Done, over GraphQL.
    done = [
        state(org.id("story3"), at(7), state="In Progress"),
        state(org.id("story3"), at(8), state="Done"),
    ]
    assert (await api.graphql(MORE, r=done))["ingest"]["__typename"] == "IngestSucceeded"
    _, after = await scrape(api.client)
    here = {"value_stream": org.id("vs"), "product": org.product}
    velocity = ("vsg_flow_velocity_items", frozenset({**here, "flow_type": "feature"}.items()))
    # Within VSG_METRICS_CACHE_SECONDS (60 by default) the graph figures stay as they were...
    assert before[velocity] == after[velocity] == 2
    computed = ("vsg_metrics_computed_timestamp_seconds", frozenset())
    assert before[computed] == after[computed]
    # ...while the counters move: 2 records, 2 visits over GraphQL.
    assert value(after, "vsg_ingest_records_total", entry_point="graphql") == 2
    assert value(after, "vsg_ingest_visits_total", entry_point="graphql") == 2


async def test_a_zero_ttl_computes_every_scrape(connection: Connection, store: GraphStore) -> None:
    app = create_app(Settings(metrics_cache_seconds=0), connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            org = SmallOrg()
            assert (await client.post("/ingest", content=ndjson(org_records(org)))).is_success
            _, before = await scrape(client)
            story = org.id("story3")
            more = ndjson(
                [state(story, at(7), state="In Progress"), state(story, at(8), state="Done")]
            )
            assert (await client.post("/ingest", content=more)).is_success
            _, after = await scrape(client)
            here = {"value_stream": org.id("vs"), "product": org.product, "flow_type": "feature"}
            # story3 is done now: 3 features, and its 1 d joins the flow times [1, 1, 4].
            assert value(before, "vsg_flow_velocity_items", **here) == 2
            assert value(after, "vsg_flow_velocity_items", **here) == 3
            del here["flow_type"]
            assert value(after, "vsg_flow_time_median_seconds", **here) == 86_400
            assert runtime(app).metrics_cache.computations == 2


async def test_webhook_deliveries_are_counted_per_vendor(
    connection: Connection, store: GraphStore
) -> None:
    app = create_app(Settings(github_webhook_secret=SECRET), connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            assert (await github(client, "push", push("a" * 40, "b" * 40))).status_code == 200
            body = b"{}"  # unsigned: refused, not counted
            refused = await client.post(
                "/webhooks/github", content=body, headers={"X-GitHub-Event": "push"}
            )
            assert refused.status_code == 401
            _, values = await scrape(client)
    # test_webhooks: a push of 2 commits writes Tool, Repository, 2 commits (4 nodes),
    # 2 IN_REPO and 1 PARENT (3 relationships).
    assert value(values, "vsg_ingest_batches_total", entry_point="webhook_github") == 1
    assert value(values, "vsg_ingest_nodes_total", entry_point="webhook_github") == 4
    assert value(values, "vsg_ingest_relationships_total", entry_point="webhook_github") == 3
    assert value(values, "vsg_ingest_nodes_total", entry_point="webhook_jira") == 0
