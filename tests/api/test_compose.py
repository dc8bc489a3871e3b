"""A top-level list with relation fields below it answers in one composed statement, the
same JSON as the resolvers' batched statements (api/graphql/compose.py).

Random selections (tests/selections.py) run on a demo organisation twice: as sent, which
the composition answers in one round trip, and under `@include(if: true)`, which it
leaves to the resolvers and their DataLoaders (one batched statement per relation). The
answers must be equal, and the statement composed must be the one of the selection's
shape. tests/unit/test_compose.py checks selections of the same generator with Neo4j 5's
analysis.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from api.graphql.types.base import encode_cursor
from graph import demo
from graph.errors import QueryTooLarge
from graph.ingest.service import ingest
from graph.read import compose as compose_module
from graph.read.compose import compose
from tests.api.conftest import Api
from tests.selections import EXAMPLES, Selection, selections, values

pytestmark = pytest.mark.db

UNTIL = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture
async def demo_api(api: Api) -> AsyncIterator[Api]:
    """The app over a small demo organisation: every relation of the model has data."""
    records, _ = demo.generate(demo.DemoConfig(work_items=300, seed=5, until=UNTIL))
    await ingest(api.store, records)
    yield api


async def trips(api: Api, query: str, **variables: Any) -> tuple[int, dict[str, Any]]:
    before = api.store.round_trips
    data = await api.graphql(query, **variables)
    return api.store.round_trips - before, data


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(selection=selections())
async def test_a_random_selection_answers_in_one_statement_as_the_loaders_do(
    demo_api: Api, selection: Selection
) -> None:
    hits = compose.cache_info().hits
    composed_trips, composed = await trips(demo_api, selection.document(), **values(selection))
    # The statement of the selection's shape was the one built (or found) for it.
    compose(selection.shape)
    assert compose.cache_info().hits >= hits + 1
    assert composed_trips == 1
    loaded_trips, loaded = await trips(
        demo_api, selection.document(composed=False), **values(selection)
    )
    assert composed == loaded
    assert loaded_trips >= 2


async def test_the_suite_s_nested_list_answers_as_the_loaders_do(demo_api: Api) -> None:
    nested = """{ products(first: 500) { edges { node {
      id name valueStreams { id name stages { id name order state } } } } } }"""
    loaders = nested.replace("(first: 500)", "(first: 500) @include(if: true)")
    one, composed = await trips(demo_api, nested)
    three, loaded = await trips(demo_api, loaders)
    assert (one, three) == (1, 3)
    assert composed == loaded
    assert composed["products"]["edges"][0]["node"]["valueStreams"][0]["stages"]


async def test_what_is_not_composed_is_read_as_before(demo_api: Api) -> None:
    # A directive, a list with no relation below: the resolvers' statements, the same
    # answers as ever.
    skipped = """query($no: Boolean!) { products(first: 2) { edges { node {
      key valueStreams @skip(if: $no) { key } } } } }"""
    flat = "{ teams(first: 3) { edges { node { key name } } } }"
    before = demo_api.store.round_trips
    data = await demo_api.graphql(skipped, no=True)
    assert demo_api.store.round_trips - before == 1
    assert "valueStreams" not in data["products"]["edges"][0]["node"]
    assert (await trips(demo_api, flat))[0] == 1


async def test_a_bad_cursor_below_a_list_is_refused_as_before(demo_api: Api) -> None:
    query = """{ products(first: 1) { edges { node {
      workItems(first: 2, after: "bm90IGEgY3Vyc29y") { edges { node { key } } } } } } }"""
    body = await demo_api.graphql_raw(query)
    assert "invalid cursor" in body["errors"][0]["message"]


async def test_arguments_from_variables_and_fragments_compose_too(demo_api: Api) -> None:
    query = """query($n: Int!, $after: String) { products(first: 3) { ...Page } }
    fragment Page on ProductConnection { edges { node { key ... on Product {
      workItems(first: $n, after: $after) { totalCount edges { node { key ...Work } } } } } } }
    fragment Work on WorkItem { children { key } stageHistory { stage { key } enteredAt } }"""
    loaders = query.replace("products(first: 3)", "products(first: 3) @include(if: true)")
    cursor = (await demo_api.graphql(query, n=2, after=None))["products"]["edges"][0]["node"][
        "workItems"
    ]["edges"][1]["node"]["key"]
    after = encode_cursor(cursor)
    before = demo_api.store.round_trips
    composed = await demo_api.graphql(query, n=3, after=after)
    assert demo_api.store.round_trips - before == 1
    assert composed == await demo_api.graphql(loaders, n=3, after=after)
    first_page = composed["products"]["edges"][0]["node"]["workItems"]["edges"]
    assert first_page and all(e["node"]["key"] > cursor for e in first_page)


async def test_a_list_s_total_is_counted_in_the_same_statement(demo_api: Api) -> None:
    query = """{ products(first: 2) { totalCount pageInfo { hasNextPage }
      edges { node { key valueStreams { key } } } } }"""
    past = query.replace("first: 2", f'first: 2, after: "{encode_cursor("~")}"')
    one, composed = await trips(demo_api, query)
    _, loaded = await trips(demo_api, query.replace("(first: 2)", "(first: 2) @include(if: true)"))
    assert one == 1
    assert composed == loaded
    assert composed["products"]["totalCount"] > 2
    # An empty page still counts the list (the page is collected inside a CALL).
    one, empty = await trips(demo_api, past)
    assert one == 1
    assert empty["products"] == {
        "totalCount": composed["products"]["totalCount"],
        "pageInfo": {"hasNextPage": False},
        "edges": [],
    }


async def test_one_node_and_the_relations_below_it_in_one_statement(demo_api: Api) -> None:
    page = await demo_api.graphql(
        "{ products(first: 1) { edges { node { workItems(first: 50) { edges { node { key"
        " children { key } } } } } } } }"
    )
    items = page["products"]["edges"][0]["node"]["workItems"]["edges"]
    parent = next(e["node"]["key"] for e in items if e["node"]["children"])
    by_key = """query($key: String!) { workItem(key: $key) { key title
      children { key commits { key repository { key } } stageHistory { stage { key } } }
      product { key valueStreams { key } } } }"""
    by_id = """query($id: ID!) { node(id: $id) { id ... on WorkItem { key
      children { key pullRequests { key } } } ... on Product { valueStreams { key } } } }"""
    for query, variables in (
        (by_key, {"key": parent}),
        (by_id, {"id": f"WorkItem:{parent}"}),
        (by_key, {"key": "no-such-item"}),
    ):
        one, composed = await trips(demo_api, query, **variables)
        loaders = query.replace("(key: $key)", "(key: $key) @include(if: true)").replace(
            "(id: $id)", "(id: $id) @include(if: true)"
        )
        _, loaded = await trips(demo_api, loaders, **variables)
        assert one == 1
        assert composed == loaded
    assert composed == {"workItem": None}


async def test_a_composed_read_refused_for_its_size_is_answered_depth_by_depth(
    demo_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 1,000,000 work items the embedded database refused `deep` (twelve products'
    # pages of work items sorted at once) for its query heap budget; the store raises
    # QueryTooLarge then. Injected here: the database under test is too small to refuse.
    deep = """{ products(first: 20) { edges { node { key
      workItems(first: 20) { edges { node { key children { key commits { key } } } } } } } } }"""
    one, composed = await trips(demo_api, deep)

    async def refused(*_: object) -> None:
        raise QueryTooLarge("the database refused this read for the memory it needs")

    monkeypatch.setattr(compose_module, "read", refused)
    depth_by_depth, answered = await trips(demo_api, deep)
    assert one == 1 and depth_by_depth > 1
    assert answered == composed
    assert answered["products"]["edges"][0]["node"]["workItems"]["edges"]
