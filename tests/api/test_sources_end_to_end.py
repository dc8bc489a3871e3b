"""The Payments exports of every tool imported together (tests/fixtures/sources/README.md)
give one connected graph: a trace from the epic to production, incidents and feedback,
and the flow and DORA metrics, all over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.ingest import exports
from graph.ingest.records import parse_lines
from graph.ingest.service import ingest
from graph.ingest.sources.mapping import load_mapping
from graph.ingest.sources.registry import SOURCES
from tests.api.conftest import Api

pytestmark = pytest.mark.db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
EXPORTS = [
    ("jira", "jira/search-page-1.json"),
    ("jira", "jira/search-page-2.json"),
    ("github", "github/payments.json"),
    ("gitlab", "gitlab/payments-web.json"),
    ("pagerduty", "pagerduty/incidents.json"),
    ("feedback", "feedback/nps.csv"),
    ("feedback", "feedback/tickets.json"),
]
MARCH = {"from": "2025-03-01T00:00:00Z", "to": "2025-04-01T00:00:00Z"}


async def import_everything(api: Api) -> None:
    organisation = (FIXTURES / "organisation.ndjson").read_text().splitlines()
    await ingest(api.store, parse_lines(organisation))
    mapping = load_mapping(FIXTURES / "mapping.json")
    # One file at a time, as `vsg import --source` does: links to what an earlier file
    # brought (PAY-8's parent is on the first Jira page) are kept.
    for source, name in EXPORTS:
        export = exports.convert(SOURCES[source], (FIXTURES / name).read_bytes(), mapping)
        records, _ = await exports.records_to_write(api.store, export)
        await ingest(api.store, records)


async def test_a_trace_runs_from_the_epic_to_production_incidents_and_feedback(api: Api) -> None:
    await import_everything(api)
    trace = (
        await api.graphql(
            """{ trace(workItemId: "PAY-1") {
                 businessLine { name } product { name }
                 descendants { key }
                 pullRequests { title }
                 deployments { environment deployments { status } }
                 releases { name }
                 incidents { incident { title } }
                 feedback { title }
                 milestones { name at }
               } }"""
        )
    )["trace"]
    assert trace["businessLine"] == {"name": "Commerce"}
    assert trace["product"] == {"name": "Payments"}
    # PAY-1's children in the Jira export: PAY-3, PAY-4, PAY-5, PAY-8, PAY-10.
    assert {d["key"] for d in trace["descendants"]} == {
        "PAY-3",
        "PAY-4",
        "PAY-5",
        "PAY-8",
        "PAY-10",
    }
    assert trace["pullRequests"]
    production = [d for d in trace["deployments"] if d["environment"] == "production"]
    assert production and any(d["status"] == "success" for d in production[0]["deployments"])
    # Incident #101 (double charges) followed the 1.0.0 production deployment that
    # shipped PAY-3/4/8's changes.
    assert any("Double charge" in i["incident"]["title"] for i in trace["incidents"])
    assert trace["feedback"]
    reached = {m["name"] for m in trace["milestones"] if m["at"] is not None}
    assert {"started", "firstCommit", "merged", "firstProductionDeployment"} <= reached


async def test_flow_and_dora_metrics_answer_for_the_imported_product(api: Api) -> None:
    await import_everything(api)
    data = await api.graphql(
        """query($from: DateTime!, $to: DateTime!) {
             valueStreams { edges { node {
               flowMetrics(from: $from, to: $to) { flowVelocity }
             } } }
             products { edges { node {
               dora(from: $from, to: $to) {
                 deploymentFrequency { deployments level }
                 changeFailureRate { rate level }
               }
             } } }
           }""",
        **MARCH,
    )
    [stream] = data["valueStreams"]["edges"]
    # Done in March: PAY-3, PAY-4, PAY-5, PAY-8, PAY-12 (the epics are not counted).
    assert stream["node"]["flowMetrics"]["flowVelocity"] == 5
    [product] = data["products"]["edges"]
    dora = product["node"]["dora"]
    # Production in March: 1.0.0 on 03-14 (a failed run, then a successful re-run) and the
    # 1.0.1 hotfix on 03-18: two successful deployments, on two days in the month, so
    # medium (weekly to monthly). Incident #101 follows 1.0.0 and #102 the hotfix: both
    # failed, a rate of 1.0, low.
    assert dora == {
        "deploymentFrequency": {"deployments": 2, "level": "MEDIUM"},
        "changeFailureRate": {"rate": 1.0, "level": "LOW"},
    }
