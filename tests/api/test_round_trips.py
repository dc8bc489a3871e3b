"""The regression guard of bench/suite.py, untimed: Cypher round trips per GraphQL request
for the suite's queries do not grow with the number of products, streams or artifacts."""

from __future__ import annotations

from typing import Any

import pytest

from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.api.conftest import Api
from tests.factories import Record, SmallOrg, node, rel

pytestmark = pytest.mark.db

# The structural nested list query of bench/suite.py (compared there with the peer).
NESTED = """{ products(first: 500) { edges { node {
  key name valueStreams { key name stages { key name order state } } } } } }"""
# The same with each value stream's flow metrics (bench/suite.py: `nested+metrics`).
NESTED_METRICS = """{ products(first: 500) { edges { node {
  key valueStreams { key stages { key }
    flowMetrics(to: "2025-02-01T00:00:00Z") { flowVelocity flowLoad } } } } } }"""
# The suite's `deep`: four lists deep, paged where the API pages.
DEEP = """{ products(first: 20) { edges { node { key
  workItems(first: 20) { edges { node { key children { key commits { key } } } } } } } } }"""
# The suite's trace, plus one relation field below it (batched by a DataLoader).
TRACE = """query($id: ID!) { trace(workItemId: $id) {
  item { key } businessLine { key } product { key } ancestors { key }
  descendants { key product { key } } pullRequests { key } commits { key } builds { key }
  deployments { deployments { key } } releases { key } incidents { incident { key } }
  feedback { key } } }"""


async def trips(api: Api, query: str, **variables: Any) -> tuple[int, dict[str, Any]]:
    before = api.store.round_trips
    data = await api.graphql(query, **variables)
    return api.store.round_trips - before, data


async def load_orgs(store: GraphStore, count: int) -> None:
    records = [r for _ in range(count) for r in SmallOrg().records()]
    await ingest(store, parse_objects(records))


def delivered_epic(org: SmallOrg, stories: int) -> list[Record]:
    """An epic over `stories` stories, each with its own commit, pull request, merge
    commit, build, production deployment, release, incident and feedback."""
    p = org.id
    out = [
        *org.records(),
        node("Epic", p("epic"), title="Wallets", createdAt="2024-12-01T00:00:00Z"),
        rel("FOR_PRODUCT", ("Epic", p("epic")), ("Product", org.product)),
    ]
    for n in range(stories):
        s = f"s{n}"
        story, commit, merge = p(f"{s}-story"), p(f"{s}-c"), p(f"{s}-m")
        deployment = p(f"{s}-deploy")
        out += [
            node("Story", story, title=f"Story {n}", createdAt="2025-01-01T00:00:00Z"),
            rel("PARENT_OF", ("Epic", p("epic")), ("Story", story)),
            rel("FOR_PRODUCT", ("Story", story), ("Product", org.product)),
            node("Commit", commit, message="work", authoredAt="2025-01-02T00:00:00Z"),
            node("Commit", merge, message="merge", authoredAt="2025-01-03T00:00:00Z"),
            rel("IMPLEMENTS", ("Commit", commit), ("Story", story)),
            node("PullRequest", p(f"{s}-pr"), title="pr", createdAt="2025-01-02T01:00:00Z"),
            rel("CONTAINS", ("PullRequest", p(f"{s}-pr")), ("Commit", commit)),
            rel("MERGED_AS", ("PullRequest", p(f"{s}-pr")), ("Commit", merge)),
            node("Build", p(f"{s}-build"), status="success", startedAt="2025-01-03T01:00:00Z"),
            rel("BUILT", ("Build", p(f"{s}-build")), ("Commit", merge)),
            node(
                "Deployment",
                deployment,
                environment="production",
                status="success",
                startedAt="2025-01-04T00:00:00Z",
                finishedAt="2025-01-04T00:10:00Z",
            ),
            rel("DEPLOYED", ("Deployment", deployment), ("Commit", merge)),
            node("Release", p(f"{s}-release"), name="r", releasedAt="2025-01-05T00:00:00Z"),
            rel("INCLUDES", ("Release", p(f"{s}-release")), ("Deployment", deployment)),
            node(
                "Incident",
                p(f"{s}-inc"),
                title="down",
                severity="high",
                createdAt="2025-01-06T00:00:00Z",
            ),
            rel("CAUSED_BY", ("Incident", p(f"{s}-inc")), ("Deployment", deployment)),
            node(
                "Feedback",
                p(f"{s}-fb"),
                title="nice",
                channel="app",
                createdAt="2025-01-07T00:00:00Z",
            ),
            rel("ABOUT", ("Feedback", p(f"{s}-fb")), ("Story", story)),
        ]
    return out


async def test_nested_list_costs_the_same_round_trips_for_more_products(api: Api) -> None:
    await load_orgs(api.store, 2)
    few, few_data = await trips(api, NESTED)
    await load_orgs(api.store, 5)
    many, many_data = await trips(api, NESTED)

    assert len(few_data["products"]["edges"]) == 2
    assert len(many_data["products"]["edges"]) == 7
    # One composed statement (api/graphql/compose.py): the products page, the value
    # streams of every product and the stages of every stream (it was one statement per
    # depth, 3, before the composition).
    assert few == many == 1


async def test_a_list_counts_only_when_asked_for_its_total(api: Api) -> None:
    await load_orgs(api.store, 3)
    keys = "{ products(first: 2) { edges { node { key } } } }"
    counted = "{ products(first: 2) { totalCount edges { node { key } } } }"
    # Through a fragment spread, and an inline fragment, as clients write it too.
    spread = """{ products(first: 2) { ...Total } }
        fragment Total on ProductConnection { pageInfo { hasNextPage } totalCount }"""
    inline = "{ workItems(first: 1) { ... on WorkItemConnection { totalCount } } }"

    plain, _ = await trips(api, keys)
    with_total, data = await trips(api, counted)
    spread_trips, spread_data = await trips(api, spread)
    inline_trips, inline_data = await trips(api, inline)

    assert (plain, with_total, spread_trips, inline_trips) == (1, 2, 2, 2)
    assert data["products"]["totalCount"] == 3
    assert len(data["products"]["edges"]) == 2
    assert spread_data["products"] == {"pageInfo": {"hasNextPage": True}, "totalCount": 3}
    assert inline_data["workItems"]["totalCount"] > 0


async def test_nested_list_with_flow_metrics_costs_the_same_for_more_streams(api: Api) -> None:
    await load_orgs(api.store, 2)
    few, few_data = await trips(api, NESTED_METRICS)
    await load_orgs(api.store, 5)
    many, many_data = await trips(api, NESTED_METRICS)
    assert len(few_data["products"]["edges"]) == 2
    assert len(many_data["products"]["edges"]) == 7
    # The nested list's 1 (composed), then every stream's flow data in the same 2
    # statements (stages; moving items with resting counts): 3, for 2 streams or 7.
    assert few == many == 3


async def test_trace_costs_the_same_round_trips_for_more_artifacts(api: Api) -> None:
    small, large = SmallOrg(), SmallOrg()
    records = delivered_epic(small, 1) + delivered_epic(large, 4)
    await ingest(api.store, parse_objects(records))

    one, one_data = await trips(api, TRACE, id=small.id("epic"))
    four, four_data = await trips(api, TRACE, id=large.id("epic"))

    # The larger trace really is larger: 4 stories, 4 PRs, 8 commits, 4 of each artifact.
    assert len(one_data["trace"]["descendants"]) == 1
    assert len(four_data["trace"]["descendants"]) == 4
    assert len(four_data["trace"]["commits"]) == 8
    assert len(four_data["trace"]["incidents"]) == 4
    assert len(four_data["trace"]["feedback"]) == 4
    # The trace is one statement (cypher/trace/lineage.cypher); + the descendants'
    # products, batched into one: 2, whatever the number of artifacts.
    assert one == four == 2


async def test_four_lists_deep_cost_one_statement_for_more_artifacts(api: Api) -> None:
    small, large = SmallOrg(), SmallOrg()
    await ingest(api.store, parse_objects(delivered_epic(small, 1)))
    few, few_data = await trips(api, DEEP)
    await ingest(api.store, parse_objects(delivered_epic(large, 4)))
    many, many_data = await trips(api, DEEP)

    def commits(data: dict[str, Any]) -> int:
        return sum(
            len(child["commits"])
            for product in data["products"]["edges"]
            for item in product["node"]["workItems"]["edges"]
            for child in item["node"]["children"]
        )

    assert (commits(few_data), commits(many_data)) == (1, 5)
    # Products, their work items, the items' children and the children's commits in one
    # composed statement (api/graphql/compose.py); one per list before: 4.
    assert few == many == 1
