"""Node lookup, search, connections and the DataLoader round-trip guarantee."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.api.conftest import Api
from tests.factories import SmallOrg

pytestmark = pytest.mark.db

NESTED = """
{
  products(first: 100) {
    edges { node {
      key
      businessLine { name }
      teams { name members { name } workItems(first: 10) { totalCount edges { node {
        key kind product { key } team { key } stageHistory { stage { key } enteredAt }
      } } } }
      valueStreams { stages { key order } }
    } }
  }
}
"""


async def load_orgs(store: GraphStore, count: int) -> list[SmallOrg]:
    orgs = [SmallOrg() for _ in range(count)]
    await ingest(store, parse_objects([r for org in orgs for r in org.records()]))
    return orgs


async def round_trips(api: Api, query: str) -> tuple[int, dict[str, object]]:
    before = api.store.round_trips
    data = await api.graphql(query)
    return api.store.round_trips - before, data


async def test_nested_query_costs_the_same_round_trips_for_more_parents(api: Api) -> None:
    await load_orgs(api.store, 2)
    few, few_data = await round_trips(api, NESTED)
    await load_orgs(api.store, 5)
    many, many_data = await round_trips(api, NESTED)

    assert len(few_data["products"]["edges"]) == 2  # type: ignore[index]
    assert len(many_data["products"]["edges"]) == 7  # type: ignore[index]
    # One composed statement (api/graphql/compose.py), whatever the parent count: the
    # products page (its total is not asked for) and every relation below it,
    # businessLine, teams, members, workItems (each page with its total), product, team,
    # stageHistory, valueStreams, stages (one batched statement per relation before: 10)
    assert few == many == 1


async def test_connections_page_through_every_item_once(api: Api) -> None:
    orgs = await load_orgs(api.store, 5)
    seen: list[str] = []
    after = None
    while True:
        data = await api.graphql(
            "query($after: String) { products(first: 2, after: $after) { totalCount "
            "pageInfo { hasNextPage endCursor } edges { node { key } } } }",
            after=after,
        )
        page = data["products"]
        assert page["totalCount"] == 5
        seen += [e["node"]["key"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(org.product for org in orgs)


async def test_node_search_and_work_item_lookups(api: Api) -> None:
    [org] = await load_orgs(api.store, 1)
    data = await api.graphql(
        """query($id: ID!, $key: String!) {
             node(id: $id) { id key ... on Product { name } }
             search(text: "checkout", labels: [PRODUCT, VALUE_STREAM]) { id }
             workItem(key: $key) { title product { key } team { name } parent { key } }
             workItems(kinds: [STORY], product: $product) { totalCount }
           }""".replace("$product", f'"{org.product}"'),
        id=f"Product:{org.product}",
        key=org.id("story1"),
    )
    assert data["node"] == {"id": f"Product:{org.product}", "key": org.product, "name": "Checkout"}
    assert {s["id"] for s in data["search"]} == {
        f"Product:{org.product}",
        f"ValueStream:{org.id('vs')}",
    }
    assert data["workItem"] == {
        "title": "Story 1",
        "product": {"key": org.product},
        "team": {"name": "Falcons"},
        "parent": None,
    }
    assert data["workItems"]["totalCount"] == 2


async def test_unknown_ids_are_null_not_errors(api: Api) -> None:
    data = await api.graphql(
        '{ node(id: "Product:none") { id } a: node(id: "junk") { id } '
        'workItem(key: "none") { key } }'
    )
    assert data == {"node": None, "a": None, "workItem": None}


async def test_a_bad_cursor_is_a_clear_error(api: Api) -> None:
    body = await api.graphql_raw('{ products(after: "bm90LWEtY3Vyc29y") { totalCount } }')
    assert "invalid cursor" in body["errors"][0]["message"]


async def test_search_finds_only_nodes_of_the_model(api: Api) -> None:
    # A sync cursor is an internal node with an `id` like any other: searching for that
    # id without a label filter must not return it (it is no GraphQL Node).
    [org] = await load_orgs(api.store, 1)
    await api.store.write(
        cypher("sync/save_cursor"),
        id=f"{org.product}:cursor",
        source="github",
        cursor="2025-01-01T00:00:00Z",
        resume=None,
        mark=None,
        pending=None,
        updatedAt=datetime(2025, 1, 1, tzinfo=UTC),
    )
    query = "query($text: String!) { search(text: $text) { id } }"
    assert (await api.graphql(query, text=f"{org.product}:cursor"))["search"] == []
    found = await api.graphql(query, text=org.product)
    assert [s["id"] for s in found["search"]] == [f"Product:{org.product}"]
