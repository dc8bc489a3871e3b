"""`PullRequest.leadTime` over GraphQL: one pull request's lead time and its breakdown,
every value worked out by hand (times 2025, UTC), batched across pull requests.

A commit graph (the deployments list no commits):

    c0 (Apr 1 00:00): PR0's merge commit; PR0 opened Mar 31 20:00, merged Apr 1 00:00,
       contains no commit of its own
    x1 (Apr 2 08:00): PR2's commit; PR2 opened Apr 2 09:00, reviewed by carol Apr 2
       15:00, merged Apr 3 09:00 as m2 (parents c0, x1)
    PR3: opened Apr 4 10:00, never merged
    D0 ok, production, finished Apr 1 12:00, head c0 (the repository's first deployment)
    D4 ok, Production, finished Apr 3 21:00, head m2: SHIPPED m2 and x1
    E1 ok, Live-EU, finished Apr 3 10:00, head m2 (production only by another pattern)

The deployment-commit list case (no commit graph) is tests/integration/test_dora_changes.py's
data, whose PR1 the product's perChange measures: the PR's own field must agree.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.api.conftest import Api
from tests.factories import Record, commit, deployment, node, rel
from tests.integration.test_dora_changes import records as listed_records

pytestmark = pytest.mark.db

FIELDS = """
  key commit firstCommitAt openedAt firstReviewAt mergedAt deployedAt start end hours
  codingHours pickupHours reviewHours deployHours excluded listed findings
  deployment { key }
"""

ONE = """
query($id: ID!, $env: String!, $pattern: String) {
  node(id: $id) { ... on PullRequest {
    leadTime(environment: $env, productionPattern: $pattern) { FIELDS }
  } }
}
""".replace("FIELDS", FIELDS)


def graph_records(p: str) -> list[Record]:
    repo = f"{p}-repo"

    def pull(name: str, opened: str, merged: str | None, merge: str | None) -> list[Record]:
        props: dict[str, Any] = {"title": name, "createdAt": f"2025-{opened}:00Z"}
        if merged is not None:
            props["mergedAt"] = f"2025-{merged}:00Z"
        out = [
            node("PullRequest", f"{p}-{name}", **props),
            rel("IN_REPO", ("PullRequest", f"{p}-{name}"), ("Repository", repo)),
        ]
        if merge is not None:
            out.append(rel("MERGED_AS", ("PullRequest", f"{p}-{name}"), ("Commit", f"{p}-{merge}")))
        return out

    return [
        node("Product", f"{p}-product", name="Shop"),
        node("Repository", repo, name="shop-api"),
        rel("FOR_PRODUCT", ("Repository", repo), ("Product", f"{p}-product")),
        *commit(p, repo, "c0", "04-01T00:00"),
        *commit(p, repo, "x1", "04-02T08:00", "c0"),
        *commit(p, repo, "m2", "04-03T09:00", "c0", "x1"),
        *pull("pr0", "03-31T20:00", "04-01T00:00", "c0"),
        *pull("pr2", "04-02T09:00", "04-03T09:00", "m2"),
        rel("CONTAINS", ("PullRequest", f"{p}-pr2"), ("Commit", f"{p}-x1")),
        node("Person", f"{p}-carol", name="carol"),
        rel(
            "REVIEWED",
            ("Person", f"{p}-carol"),
            ("PullRequest", f"{p}-pr2"),
            submittedAt="2025-04-02T15:00:00Z",
            state="approved",
        ),
        *pull("pr3", "04-04T10:00", None, None),
        *deployment(p, "d0", "production", "04-01T12:00", "c0"),
        *deployment(p, "d4", "Production", "04-03T21:00", "m2"),
        *deployment(p, "e1", "Live-EU", "04-03T10:00", "m2"),
    ]


async def lead_time(api: Api, id: str, env: str = "production", **more: Any) -> Any:
    data = await api.graphql(ONE, id=f"PullRequest:{id}", env=env, **more)
    return data["node"]["leadTime"]


async def test_a_pull_request_shipped_through_the_commit_graph(api: Api) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(api.store, parse_objects(graph_records(p)))
    # PR2: start Apr 2 08:00 (x1, before the opening) -> D4 Apr 3 21:00 = 37 h: coding
    # 1 h (to the opening), pickup 6 h (to carol's review), review 18 h (to the merge),
    # deploy 12 h (to D4). D4 is not the repository's first deployment: counted.
    pr2 = await lead_time(api, f"{p}-pr2")
    assert pr2["deployment"] == {"key": f"{p}-d4"}
    assert (pr2["key"], pr2["commit"]) == (f"pr:{p}-pr2", f"{p}-m2")
    assert (pr2["start"], pr2["end"]) == ("2025-04-02T08:00:00+00:00", "2025-04-03T21:00:00+00:00")
    assert pr2["firstReviewAt"] == "2025-04-02T15:00:00+00:00"
    assert (pr2["hours"], pr2["codingHours"], pr2["pickupHours"]) == (37.0, 1.0, 6.0)
    assert (pr2["reviewHours"], pr2["deployHours"]) == (18.0, 12.0)
    assert (pr2["excluded"], pr2["listed"], pr2["findings"]) == (False, False, [])

    # PR0: its merge commit c0 (Apr 1 00:00) is its first commit, authored after the
    # opening (Mar 31 20:00): start at the opening; D0 (Apr 1 12:00) = 16 h, coding 0 h
    # (start = opening), no review, review step 4 h (opened -> merged), deploy 12 h. D0 is
    # the repository's first deployment and shipped it through the commit graph:
    # excluded, as in the product's median.
    pr0 = await lead_time(api, f"{p}-pr0")
    assert (pr0["hours"], pr0["codingHours"], pr0["pickupHours"]) == (16.0, 0.0, None)
    assert (pr0["reviewHours"], pr0["deployHours"], pr0["excluded"]) == (4.0, 12.0, True)
    assert pr0["findings"] == ["first commit authored after the PR was opened"]

    # PR3 was never merged: no lead time.
    assert await lead_time(api, f"{p}-pr3") is None

    # Staging never got PR2: null; Live-EU is production only by another pattern, and
    # then E1 (Apr 3 10:00, an hour after the merge) ships it first: 26 h, deploy 1 h.
    assert await lead_time(api, f"{p}-pr2", "staging") is None
    live = await lead_time(api, f"{p}-pr2", pattern="live.*")
    assert (live["deployment"], live["hours"], live["deployHours"]) == (
        {"key": f"{p}-e1"},
        26.0,
        1.0,
    )


async def test_a_pull_request_shipped_by_a_deployment_commit_list_agrees_with_per_change(
    api: Api,
) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(api.store, parse_objects(listed_records(p)))
    # PR1 (tests/integration/test_dora_changes.py): D1 lists it: 34.5 h = coding 2 h,
    # pickup 24 h, review 2 h, deploy 6.5 h; D1 is the chain's first but listed it.
    pr1 = await lead_time(api, f"{p}-pr1", "PRODUCTION")
    assert (pr1["deployment"], pr1["hours"], pr1["listed"], pr1["excluded"]) == (
        {"key": f"{p}-d1"},
        34.5,
        True,
        False,
    )
    assert (pr1["codingHours"], pr1["pickupHours"], pr1["reviewHours"], pr1["deployHours"]) == (
        2.0,
        24.0,
        2.0,
        6.5,
    )
    product = await api.graphql(
        """query($id: ID!) { node(id: $id) { ... on Product {
             dora(from: "2025-03-01T00:00:00Z", to: "2025-03-31T00:00:00Z") {
               leadTime { perChange { key FIELDS } } } } } }""".replace("FIELDS", FIELDS),
        id=f"Product:{p}-product",
    )
    (same,) = [
        c for c in product["node"]["dora"]["leadTime"]["perChange"] if c["key"] == f"pr:{p}-pr1"
    ]
    assert same == pr1
    # Staging: S1 lists m1 a day before the merge: the lead time ends at the merge, 28 h.
    early = await lead_time(api, f"{p}-pr1", "Staging")
    assert (early["hours"], early["deployHours"]) == (28.0, 0.0)
    assert early["findings"] == ["first deployment finished before the merge"]


async def test_lead_times_of_many_pull_requests_take_the_same_round_trips(api: Api) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(api.store, parse_objects(graph_records(p)))

    async def trips(names: list[str]) -> tuple[int, list[Any]]:
        field = "... on PullRequest { leadTime { hours } }"
        aliases = " ".join(f'{n}: node(id: "PullRequest:{p}-{n}") {{ {field} }}' for n in names)
        before = api.store.round_trips
        data = await api.graphql(f"query {{ {aliases} }}")
        return api.store.round_trips - before, [data[n]["leadTime"] for n in names]

    one, first = await trips(["pr2"])
    three, all_ = await trips(["pr0", "pr2", "pr3"])
    assert first == [{"hours": 37.0}]
    assert all_ == [{"hours": 16.0}, {"hours": 37.0}, None]
    assert three == one


async def test_an_invalid_production_pattern_is_a_clear_error(api: Api) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(api.store, parse_objects(graph_records(p)))
    body = await api.graphql_raw(ONE, id=f"PullRequest:{p}-pr2", env="production", pattern="(")
    (error,) = body["errors"]
    assert (
        "productionPattern" in error["message"] and "not a regular expression" in error["message"]
    )
