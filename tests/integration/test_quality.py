"""The data-quality report (graph/read/quality.py, `vsg doctor`, GraphQL `dataQuality`) on a
literal graph holding one case of each finding, worked out by hand."""

from __future__ import annotations

import json

import pytest

from graph.db.store import Connection, GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.read.quality import data_quality
from tests.factories import Record, SmallOrg, node, rel, state
from tests.integration.test_cli import vsg

pytestmark = pytest.mark.db


def records(org: SmallOrg) -> list[Record]:
    p = org.id
    out = org.records()
    for name, kind in (("story3", "Story"), ("feat4", "Feature")):
        extra = {"resolution": "Won't Do"} if name == "feat4" else {}
        out.append(node(kind, p(name), title=name, createdAt="2025-01-01T00:00:00Z", **extra))
    out.append(rel("FOR_PRODUCT", ("Feature", p("feat4")), ("Product", org.product)))

    def moves(name: str, *states: str) -> None:
        out.extend(state(p(name), f"2025-03-0{n + 1}T00:00:00Z", state=s)
                   for n, s in enumerate(states))  # fmt: skip

    moves("story1", "In Progress", "Blocked", "Done")  # Blocked: no stage maps it
    moves("story2", "Backlog", "Done")  # done, never started
    moves("story3", "In Progress")  # no product
    moves("feat4", "In Progress", "Done")  # resolved Won't Do: discarded

    def deployment(name: str, env: str, product: str | None, **extra: object) -> None:
        props = {"environment": env, "status": "success", "startedAt": "2025-03-05T10:00:00Z",
                 "finishedAt": "2025-03-05T11:00:00Z", **extra}  # fmt: skip
        out.append(node("Deployment", p(name), **props))
        if product:
            out.append(rel("FOR_PRODUCT", ("Deployment", p(name)), ("Product", product)))

    out += [
        node("Repository", p("repo"), name="shop"),
        rel("FOR_PRODUCT", ("Repository", p("repo")), ("Product", org.product)),
        node("Commit", p("c1"), message="c1", authoredAt="2025-03-04T00:00:00Z"),
        rel("IN_REPO", ("Commit", p("c1")), ("Repository", p("repo"))),
    ]
    deployment("dep0", "Prod-EU", org.product)  # no head, no list
    deployment("dep1", "PRODUCTION", org.product, commits=[p("c1"), p("nope")])
    out.append(rel("DEPLOYED", ("Deployment", p("dep1")), ("Commit", p("c1"))))
    deployment("dep2", "production", org.product, startedAt="2025-03-05T12:00:00Z")
    out.append(rel("DEPLOYED", ("Deployment", p("dep2")), ("Commit", p("c1"))))
    out += [
        node("PullRequest", p("pr1"), title="pr1", createdAt="2025-03-01T00:00:00Z",
             mergedAt="2025-03-02T00:00:00Z"),
        node("PullRequest", p("pr2"), title="pr2", createdAt="2025-03-01T00:00:00Z"),
        rel("MERGED_AS", ("PullRequest", p("pr2")), ("Commit", p("c1"))),
        # a second product that deploys to staging only, one deployment waiting for a commit
        node("Product", p("other"), name="Other"),
    ]  # fmt: skip
    deployment("dep3", "staging", p("other"))
    out.append(rel("DEPLOYED", ("Deployment", p("dep3")), ("Commit", p("ghost"))))
    return out


async def test_each_finding_is_counted_with_examples(
    store: GraphStore, connection: Connection
) -> None:
    org = SmallOrg()
    p = org.id
    await ingest(store, parse_objects(records(org)))
    report = await data_quality(store)
    found = {f.key: (f.count, f.examples) for f in report.findings}
    assert found == {
        "unmappedStates": (1, (f"blocked (1 items, e.g. {p('story1')})",)),
        "itemsWithoutProduct": (1, (p("story3"),)),
        "itemsInNoStream": (0, ()),
        "doneWithoutStart": (1, (p("story2"),)),
        "discardedItems": (1, (p("feat4"),)),
        # dep3's head waits for its commit (pending): no head yet either.
        "deploymentsWithoutCommits": (2, (p("dep0"), p("dep3"))),
        "listedCommitsUnknown": (1, (f"{p('dep1')}: {p('nope')}",)),
        "pullRequestsWithoutMergeCommit": (1, (p("pr1"),)),
        "mergeCommitsWithoutMergeTime": (1, (p("pr2"),)),
        "contradictoryTimestamps": (1, (f"Deployment {p('dep2')}: finished before started",)),
        "productsWithoutProduction": (1, (f"{p('other')}: staging",)),
        "environmentSpellings": (1, ("PRODUCTION / production",)),
    }
    environments = {e.name: (e.deployments, e.production) for e in report.environments}
    assert environments == {
        "Prod-EU": (1, True),
        "PRODUCTION": (1, True),
        "production": (1, True),
        "staging": (1, False),
    }
    assert [(w.label, w.records, w.example) for w in report.pending] == [
        ("Commit", 1, f"Commit:{p('ghost')}")
    ]
    assert report.problems == 11  # 10 checks (discarded items are no problem) + pending

    doctor = vsg(connection, "doctor", "--format", "json")
    assert doctor.returncode == 1, doctor.stderr
    assert json.loads(doctor.stdout)["findings"][0]["count"] == 1
    table = vsg(connection, "doctor")
    assert "Data quality" in table.stdout and "Records waiting" in table.stdout
    assert p("story2") in table.stdout and f"Commit:{p('ghost')}" in table.stdout
