"""The explorer's queries: a node's neighbourhood a page at a time, and shortest paths."""

from __future__ import annotations

import uuid

import pytest

from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.read.explore import clamp_page
from tests.api.conftest import Api
from tests.factories import Record, node, rel

pytestmark = pytest.mark.db

NEIGHBOURHOOD = """
query($id: ID!, $first: Int!, $after: String, $types: [String!]) {
  neighbourhood(id: $id, first: $first, after: $after, relationshipTypes: $types) {
    node { id }
    nodes { id }
    edges { id type start end }
    hasNextPage
    endCursor
  }
}
"""

PATH = """
query($from: ID!, $to: ID!, $max: Int!) {
  shortestPath(from: $from, to: $to, maxDepth: $max) {
    nodes { id }
    edges { type start end }
  }
}
"""


def _org(p: str) -> list[Record]:
    # bl -OWNS-> product <-FOR_PRODUCT- s1, s2, s3; team -OWNS-> s1..s3; team
    # -CONTRIBUTES_TO-> product; a lone second product with nothing attached.
    product = ("Product", f"{p}-product")
    team = ("Team", f"{p}-team")
    records = [
        node("BusinessLine", f"{p}-bl", name="Payments"),
        node("Product", f"{p}-product", name="Pay"),
        node("Product", f"{p}-lonely", name="Lonely"),
        node("Team", f"{p}-team", name="Team A"),
        rel("OWNS", ("BusinessLine", f"{p}-bl"), product),
        rel("CONTRIBUTES_TO", team, product),
    ]
    for n in (1, 2, 3):
        story = ("Story", f"{p}-s{n}")
        records += [
            node("Story", story[1], title=f"Story {n}", createdAt="2025-01-01T09:00:00Z"),
            rel("FOR_PRODUCT", story, product),
            rel("OWNS", team, story),
        ]
    return records


async def _load(api: Api) -> str:
    p = uuid.uuid4().hex[:6]
    await ingest(api.store, parse_objects(_org(p)))
    return p


async def test_neighbourhood_pages_through_every_relationship_once(api: Api) -> None:
    p = await _load(api)
    # The product has 5 relationships: CONTRIBUTES_TO from the team, FOR_PRODUCT from the
    # three stories, OWNS from the business line. Group by group (type, direction, label),
    # each group in the database's order, pages of 2: three pages, each relationship once.
    seen: list[tuple[str, str, str]] = []
    ids: list[str] = []
    after = None
    pages = 0
    while True:
        data = await api.graphql(NEIGHBOURHOOD, id=f"Product:{p}-product", first=2, after=after)
        page = data["neighbourhood"]
        assert page["node"]["id"] == f"Product:{p}-product"
        seen += [(e["type"], e["start"], e["end"]) for e in page["edges"]]
        ids += [e["id"] for e in page["edges"]]
        pages += 1
        if not page["hasNextPage"]:
            assert page["endCursor"] is None
            break
        after = page["endCursor"]
    assert pages == 3
    assert len(set(ids)) == 5
    product = f"Product:{p}-product"
    assert [t for t, _, _ in seen] == ["CONTRIBUTES_TO", *["FOR_PRODUCT"] * 3, "OWNS"]
    assert seen[0] == ("CONTRIBUTES_TO", f"Team:{p}-team", product)
    assert sorted(seen[1:4]) == [("FOR_PRODUCT", f"WorkItem:{p}-s{n}", product) for n in (1, 2, 3)]
    assert seen[4] == ("OWNS", f"BusinessLine:{p}-bl", product)


async def test_neighbourhood_filters_by_type_and_caps_the_page(api: Api) -> None:
    p = await _load(api)
    data = await api.graphql(
        NEIGHBOURHOOD, id=f"Team:{p}-team", first=300, after=None, types=["OWNS"]
    )
    page = data["neighbourhood"]
    # The team OWNS the three stories (its CONTRIBUTES_TO is filtered out), all outgoing.
    assert sorted(n["id"] for n in page["nodes"]) == [f"WorkItem:{p}-s{n}" for n in (1, 2, 3)]
    assert {(e["type"], e["start"]) for e in page["edges"]} == {("OWNS", f"Team:{p}-team")}
    assert page["hasNextPage"] is False
    # first above 200 is cut to 200, below 1 raised to 1: one of the four edges, more follow.
    assert (clamp_page(300), clamp_page(200), clamp_page(0)) == (200, 200, 1)
    one = await api.graphql(NEIGHBOURHOOD, id=f"Team:{p}-team", first=0, after=None, types=None)
    assert len(one["neighbourhood"]["edges"]) == 1
    assert one["neighbourhood"]["hasNextPage"] is True


async def test_neighbourhood_of_a_missing_node_is_null_and_a_bad_cursor_an_error(api: Api) -> None:
    p = await _load(api)
    data = await api.graphql(NEIGHBOURHOOD, id="Product:nope", first=5, after=None, types=None)
    assert data["neighbourhood"] is None
    body = await api.graphql_raw(
        NEIGHBOURHOOD, id=f"Product:{p}-product", first=5, after="garbage", types=None
    )
    assert "invalid cursor" in body["errors"][0]["message"]


async def test_shortest_path_between_two_nodes(api: Api) -> None:
    p = await _load(api)
    # bl -OWNS-> product <-FOR_PRODUCT- s2: two relationships; via the team it is three.
    data = await api.graphql(
        PATH, **{"from": f"BusinessLine:{p}-bl", "to": f"WorkItem:{p}-s2"}, max=6
    )
    path = data["shortestPath"]
    assert [n["id"] for n in path["nodes"]] == [
        f"BusinessLine:{p}-bl",
        f"Product:{p}-product",
        f"WorkItem:{p}-s2",
    ]
    assert [(e["type"], e["start"], e["end"]) for e in path["edges"]] == [
        ("OWNS", f"BusinessLine:{p}-bl", f"Product:{p}-product"),
        ("FOR_PRODUCT", f"WorkItem:{p}-s2", f"Product:{p}-product"),
    ]
    # Too short a bound, an unconnected node and a missing node all give null.
    short = await api.graphql(
        PATH, **{"from": f"BusinessLine:{p}-bl", "to": f"WorkItem:{p}-s2"}, max=1
    )
    assert short["shortestPath"] is None
    lonely = await api.graphql(
        PATH, **{"from": f"Product:{p}-lonely", "to": f"Team:{p}-team"}, max=6
    )
    assert lonely["shortestPath"] is None
    missing = await api.graphql(PATH, **{"from": "Team:nope", "to": f"Team:{p}-team"}, max=6)
    assert missing["shortestPath"] is None
    # A node to itself is the node alone.
    itself = await api.graphql(PATH, **{"from": f"Team:{p}-team", "to": f"Team:{p}-team"}, max=6)
    assert [n["id"] for n in itself["shortestPath"]["nodes"]] == [f"Team:{p}-team"]
