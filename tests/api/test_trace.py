"""`trace` over GraphQL on a hand-built chain from business line to feedback."""

from __future__ import annotations

import pytest

from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.api.conftest import Api
from tests.factories import SmallOrg, node, rel, state

pytestmark = pytest.mark.db

TRACE = """
query($id: ID!) {
  trace(workItemId: $id) {
    item { key kind title }
    businessLine { key name }
    product { key name }
    ancestors { key kind }
    descendants { key kind }
    pullRequests { key mergedAt }
    commits { key authoredAt }
    builds { key status }
    deployments { environment deployments { key status finishedAt } }
    releases { key releasedAt }
    incidents { incident { key severity } cause { deployment { key } inferred } }
    feedback { key sentiment }
    milestones { name at }
    durations { start end hours }
  }
}
"""


async def load_chain(store: GraphStore, org: SmallOrg) -> None:
    p = org.id
    records = [
        *org.records(),
        node("Epic", p("epic"), title="Wallets", createdAt="2024-12-01T00:00:00Z"),
        node("Feature", p("feature"), title="Pay by card", createdAt="2024-12-15T00:00:00Z"),
        rel("FOR_PRODUCT", ("Epic", p("epic")), ("Product", org.product)),
        rel("PARENT_OF", ("Epic", p("epic")), ("Feature", p("feature"))),
        rel("PARENT_OF", ("Feature", p("feature")), ("Story", p("story1"))),
        node("Repository", p("repo"), name="checkout"),
        node(
            "Commit", p("c1"), message=f"{p('story1')} card form", authoredAt="2025-01-03T12:00:00Z"
        ),
        node("Commit", p("c2"), message="Merge", authoredAt="2025-01-04T12:00:00Z"),
        rel("PARENT", ("Commit", p("c2")), ("Commit", p("c1"))),
        rel("IMPLEMENTS", ("Commit", p("c1")), ("Story", p("story1"))),
        node(
            "PullRequest",
            p("pr"),
            title=f"{p('story1')} card form",
            createdAt="2025-01-03T13:00:00Z",
            mergedAt="2025-01-04T12:00:00Z",
        ),
        rel("CONTAINS", ("PullRequest", p("pr")), ("Commit", p("c1"))),
        rel("MERGED_AS", ("PullRequest", p("pr")), ("Commit", p("c2"))),
        node("Build", p("b"), status="success", startedAt="2025-01-04T12:05:00Z"),
        rel("BUILT", ("Build", p("b")), ("Commit", p("c2"))),
        node(
            "Deployment",
            p("stg"),
            environment="staging",
            status="success",
            startedAt="2025-01-04T13:00:00Z",
            finishedAt="2025-01-04T13:10:00Z",
        ),
        node(
            "Deployment",
            p("prod"),
            environment="production",
            status="success",
            startedAt="2025-01-05T09:00:00Z",
            finishedAt="2025-01-05T10:00:00Z",
        ),
        rel("DEPLOYED", ("Deployment", p("stg")), ("Commit", p("c2"))),
        rel("DEPLOYED", ("Deployment", p("prod")), ("Commit", p("c2"))),
        rel("SHIPPED", ("Deployment", p("prod")), ("Commit", p("c1"))),
        node("Release", p("rel"), name="2025.1", releasedAt="2025-01-06T10:00:00Z"),
        rel("INCLUDES", ("Release", p("rel")), ("Deployment", p("prod"))),
        node(
            "Incident",
            p("inc"),
            title="Card form down",
            severity="SEV2",
            createdAt="2025-01-05T11:00:00Z",
            resolvedAt="2025-01-05T13:00:00Z",
        ),
        rel("CAUSED_BY", ("Incident", p("inc")), ("Deployment", p("prod"))),
        node(
            "Feedback",
            p("fb"),
            title="Love it",
            channel="nps",
            sentiment="positive",
            score=9,
            createdAt="2025-01-08T10:00:00Z",
        ),
        rel("ABOUT", ("Feedback", p("fb")), ("Feature", p("feature"))),
        state(p("story1"), "2025-01-02T10:00:00Z", state="In Progress"),
        state(p("story1"), "2025-01-05T10:00:00Z", state="Done"),
    ]
    await ingest(store, parse_objects(records))


async def test_trace_follows_a_feature_from_business_line_to_feedback(api: Api) -> None:
    org = SmallOrg()
    await load_chain(api.store, org)
    p = org.id

    trace = (await api.graphql(TRACE, id=p("feature")))["trace"]

    assert trace["item"] == {"key": p("feature"), "kind": "FEATURE", "title": "Pay by card"}
    assert trace["businessLine"]["key"] == p("bl")
    assert trace["product"]["key"] == org.product  # inherited from the epic
    assert [a["key"] for a in trace["ancestors"]] == [p("epic")]
    assert [d["key"] for d in trace["descendants"]] == [p("story1")]
    assert [x["key"] for x in trace["pullRequests"]] == [p("pr")]
    assert [c["key"] for c in trace["commits"]] == [p("c1"), p("c2")]
    assert [b["key"] for b in trace["builds"]] == [p("b")]
    assert {
        e["environment"]: [d["key"] for d in e["deployments"]] for e in trace["deployments"]
    } == {"production": [p("prod")], "staging": [p("stg")]}
    assert [r["key"] for r in trace["releases"]] == [p("rel")]
    assert trace["incidents"] == [
        {
            "incident": {"key": p("inc"), "severity": "SEV2"},
            "cause": {"deployment": {"key": p("prod")}, "inferred": False},
        }
    ]
    assert [f["key"] for f in trace["feedback"]] == [p("fb")]
    assert {m["name"]: m["at"] for m in trace["milestones"]} == {
        "conceived": "2024-12-15T00:00:00+00:00",
        "started": "2025-01-02T10:00:00+00:00",
        "firstCommit": "2025-01-03T12:00:00+00:00",
        "merged": "2025-01-04T12:00:00+00:00",
        "firstProductionDeployment": "2025-01-05T10:00:00+00:00",
        "released": "2025-01-06T10:00:00+00:00",
        "firstFeedback": "2025-01-08T10:00:00+00:00",
    }
    assert [(d["start"], d["end"], d["hours"]) for d in trace["durations"]] == [
        ("conceived", "started", 18 * 24 + 10),
        ("started", "firstCommit", 26),
        ("firstCommit", "merged", 24),
        ("merged", "firstProductionDeployment", 22),
        ("firstProductionDeployment", "released", 24),
        ("released", "firstFeedback", 48),
    ]


async def test_trace_of_an_unknown_item_is_null(api: Api) -> None:
    assert (await api.graphql(TRACE, id="NOPE-404"))["trace"] is None


async def test_missing_milestones_are_null_and_skipped_in_durations(api: Api) -> None:
    org = SmallOrg()
    await ingest(api.store, parse_objects(org.records()))
    trace = (await api.graphql(TRACE, id=org.id("story2")))["trace"]
    reached = [m["name"] for m in trace["milestones"] if m["at"] is not None]
    assert reached == ["conceived"]
    assert trace["durations"] == []
