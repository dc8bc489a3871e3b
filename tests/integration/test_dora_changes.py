"""Lead time per change from a deployment-commit list (no commit graph), with its
breakdown, every expected value worked out by hand (times 2025, UTC).

No commit has a PARENT: the deploying tool lists what each deployment brought, as DevLake
and many CD tools export it. The environment is spelled `Production`.

    PR1: commits a1 (Mar 1 08:00), a2 (Mar 2 09:00); opened Mar 1 10:00; reviewed by
         alice Mar 2 10:00 and, after the merge, by bob Mar 3 09:00; merged as m1
         (Mar 2 12:00)
    b1 (Mar 3 10:00) and c1 (Mar 5 08:00): commits in no pull request
    D1 ok, Production, finished Mar 2 18:30, head m1, lists a1 a2 m1 (the chain's first)
    D2 ok, Production, finished Mar 6 12:00, head c1, lists b1 c1
    D3 FAILED, Production, Mar 7, lists x9;  S1 ok, staging, Mar 1 12:00, lists m1
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from graph.db.store import Connection, GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.metrics.dora import Finding
from graph.metrics.dora_queries import product_dora
from graph.metrics.flow import Window
from tests.factories import Record, node, rel
from tests.integration.test_cli import vsg

pytestmark = pytest.mark.db

MARCH = Window(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 31, tzinfo=UTC))


def records(p: str) -> list[Record]:
    repo, product = f"{p}-repo", f"{p}-product"

    def commit(name: str, at: str) -> list[Record]:
        return [
            node("Commit", f"{p}-{name}", message=name, authoredAt=f"2025-03-{at}:00Z"),
            rel("IN_REPO", ("Commit", f"{p}-{name}"), ("Repository", repo)),
        ]

    def deployment(name: str, env: str, status: str, finished: str, head: str,
                   listed: list[str]) -> list[Record]:  # fmt: skip
        return [
            node("Deployment", f"{p}-{name}", environment=env, status=status,
                 startedAt=f"2025-03-{finished[:2]}T00:00:00Z",
                 finishedAt=f"2025-03-{finished}:00Z",
                 commits=[f"{p}-{c}" for c in listed]),
            rel("DEPLOYED", ("Deployment", f"{p}-{name}"), ("Commit", f"{p}-{head}")),
        ]  # fmt: skip

    pr = f"{p}-pr1"
    return [
        node("Product", product, name="Shop"),
        node("Repository", repo, name="shop-api"),
        rel("FOR_PRODUCT", ("Repository", repo), ("Product", product)),
        *commit("a1", "01T08:00"),
        *commit("a2", "02T09:00"),
        *commit("m1", "02T12:00"),
        *commit("b1", "03T10:00"),
        *commit("c1", "05T08:00"),
        node(
            "PullRequest",
            pr,
            title="Pay by card",
            createdAt="2025-03-01T10:00:00Z",
            mergedAt="2025-03-02T12:00:00Z",
        ),
        rel("MERGED_AS", ("PullRequest", pr), ("Commit", f"{p}-m1")),
        rel("CONTAINS", ("PullRequest", pr), ("Commit", f"{p}-a1")),
        rel("CONTAINS", ("PullRequest", pr), ("Commit", f"{p}-a2")),
        node("Person", f"{p}-alice", name="alice"),
        node("Person", f"{p}-bob", name="bob"),
        rel(
            "REVIEWED",
            ("Person", f"{p}-alice"),
            ("PullRequest", pr),
            submittedAt="2025-03-02T10:00:00Z",
            state="approved",
        ),
        rel(
            "REVIEWED",
            ("Person", f"{p}-bob"),
            ("PullRequest", pr),
            submittedAt="2025-03-03T09:00:00Z",
            state="commented",
        ),
        *deployment("d1", "Production", "success", "02T18:30", "m1", ["a1", "a2", "m1"]),
        *deployment("d2", "Production", "success", "06T12:00", "c1", ["b1", "c1"]),
        *deployment("d3", "Production", "failure", "07T12:00", "c1", ["x9"]),
        *deployment("s1", "staging", "success", "01T12:00", "m1", ["m1"]),
    ]


async def test_lead_times_of_a_deployment_commit_list_equal_the_hand_computation(
    store: GraphStore,
) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(store, parse_objects(records(p)))
    result = await product_dora(store, f"{p}-product", MARCH)
    assert result.deployment_frequency.deployments == 2  # D1, D2: `Production` is production

    # PR1: start Mar 1 08:00 (a1) -> D1 Mar 2 18:30 = 34.5 h: coding 2 h (to the opening),
    # pickup 24 h (to alice's review; bob's came after the merge), review 2 h (to the
    # merge), deploy 6.5 h. D1 is the chain's first deployment, but it listed PR1's
    # commits itself: counted, not excluded.
    # b1: Mar 3 10:00 -> D2 Mar 6 12:00 = 74 h; c1: Mar 5 08:00 -> Mar 6 12:00 = 28 h.
    lt = result.lead_time
    changes = {c.key: c for c in lt.per_change}
    assert set(changes) == {f"pr:{p}-pr1", f"commit:{p}-b1", f"commit:{p}-c1"}
    pr = changes[f"pr:{p}-pr1"]
    assert (pr.deployment, pr.hours, pr.listed, pr.excluded) == (f"{p}-d1", 34.5, True, False)
    assert (pr.coding_hours, pr.pickup_hours, pr.review_hours, pr.deploy_hours) == (
        2.0,
        24.0,
        2.0,
        6.5,
    )
    assert pr.first_review_at == datetime(2025, 3, 2, 10, tzinfo=UTC)
    assert changes[f"commit:{p}-b1"].hours == 74.0
    assert changes[f"commit:{p}-c1"].hours == 28.0
    assert changes[f"commit:{p}-c1"].coding_hours is None  # no pull request: no steps
    # [28, 34.5, 74]: median 34.5; p85 at rank 1.7: 34.5 + 0.7 * 39.5 = 62.15.
    assert (lt.changes, lt.excluded) == (3, 0)
    assert lt.median_hours == pytest.approx(34.5)
    assert lt.p85_hours == pytest.approx(62.15)
    assert lt.findings == {}

    # staging: S1 lists m1 (Mar 1 12:00), before PR1 was even merged: the lead time
    # ends at the merge (Mar 2 12:00): 28 h, and the contradiction is reported.
    staging = await product_dora(store, f"{p}-product", MARCH, "STAGING")
    (early,) = staging.lead_time.per_change
    assert (early.hours, early.deploy_hours) == (28.0, 0.0)
    assert early.findings == (Finding.DEPLOYED_BEFORE_MERGE,)
    assert staging.lead_time.findings == {Finding.DEPLOYED_BEFORE_MERGE: 1}


async def test_vsg_dora_lists_the_changes(store: GraphStore, connection: Connection) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(store, parse_objects(records(p)))
    window = ("--from", "2025-03-01", "--to", "2025-03-31")
    result = vsg(connection, "dora", "--product", f"{p}-product", *window, "--changes",
                 "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {r["change"]: r for r in json.loads(result.stdout)}
    pr = rows[f"pr:{p}-pr1"]
    assert (pr["leadTimeHours"], pr["pickupHours"], pr["deployment"]) == (34.5, 24.0, f"{p}-d1")
    table = vsg(connection, "dora", "--product", f"{p}-product", *window, "--changes")
    assert f"commit:{p}-c1" in table.stdout
    live = vsg(connection, "dora", "--product", f"{p}-product", *window, "--format", "json",
               "--production-pattern", "(?i)live")  # fmt: skip
    assert live.returncode == 0, live.stderr
    assert json.loads(live.stdout)[0]["deployments"] == 0  # nothing is called live
