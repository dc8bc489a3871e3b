"""GraphQL hardening: every limit refuses with its message and accepts just under it; the
cost estimate; introspection and the IDE; the read timeout; masked internal errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from strawberry.extensions.validation_cache import _get_validate_cache

from api.app import create_app
from api.graphql.schema import PARSED_DOCUMENTS
from api.runtime import runtime
from graph.db.queries import cypher
from graph.db.store import Connection, GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.settings import ConfigError, Settings
from tests.api.conftest import Api
from tests.factories import SmallOrg

pytestmark = pytest.mark.db

SET_WORK_ITEM_PROPERTIES = cypher("ingest/nodes/set_work_item_properties")


@asynccontextmanager
async def serve(connection: Connection, **settings: Any) -> AsyncIterator[Api]:
    """The app built with `Settings(**settings)`, its lifespan run."""
    app = create_app(Settings(**settings), connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield Api(client, runtime(app).store)


def messages(body: dict[str, Any]) -> list[str]:
    return [e["message"] for e in body.get("errors", [])]


# Depth as strawberry's QueryDepthLimiter counts it: one per field that has a selection
# set below the operation, so products 1, edges 2, node 3 (`key` is a leaf).
DEPTH_3 = "{ products(first: 1) { edges { node { key } } } }"
DEPTH_4 = "{ products(first: 1) { edges { node { businessLine { name } } } } }"


async def test_depth_over_the_limit_is_refused(connection: Connection, store: GraphStore) -> None:
    async with serve(connection, graphql_max_depth=3) as api:
        assert await api.graphql(DEPTH_3) == {"products": {"edges": []}}
        body = await api.graphql_raw(DEPTH_4)
        # Validation results are cached per document and rules: asked again, the same.
        again = await api.graphql_raw(DEPTH_4)
    assert body.get("data") is None
    assert messages(body) == messages(again) == ["'anonymous' exceeds maximum operation depth of 3"]
    # The cached refusal belongs to those rules: an app allowing depth 4 runs the query.
    async with serve(connection, graphql_max_depth=4) as api:
        assert await api.graphql(DEPTH_4) == {"products": {"edges": []}}


async def test_aliases_over_the_limit_are_refused(
    connection: Connection, store: GraphStore
) -> None:
    two = "{ a: products(first: 1) { totalCount } b: teams(first: 1) { totalCount } }"
    three = (
        "{ a: products(first: 1) { totalCount } b: teams { totalCount } c: tools { totalCount } }"
    )
    async with serve(connection, graphql_max_aliases=2) as api:
        assert await api.graphql(two) == {"a": {"totalCount": 0}, "b": {"totalCount": 0}}
        body = await api.graphql_raw(three)
    assert messages(body) == ["3 aliases found. Allowed: 2"]


async def test_tokens_over_the_limit_are_refused(connection: Connection, store: GraphStore) -> None:
    # { products ( first : 1 ) { totalCount } } : 11 tokens.
    query = "{ products(first: 1) { totalCount } }"
    async with serve(connection, graphql_max_tokens=11) as api:
        assert await api.graphql(query) == {"products": {"totalCount": 0}}
    async with serve(connection, graphql_max_tokens=10) as api:
        body = await api.graphql_raw(query)
    assert messages(body) == [
        "Syntax Error: Document contains more than 10 tokens. Parsing aborted."
    ]


async def test_a_page_over_the_limit_is_refused(api: Api) -> None:
    ok = await api.graphql("{ products(first: 500) { totalCount } }")
    assert ok == {"products": {"totalCount": 0}}
    expected = (
        "products(first: 501) asks for more than the largest page, 500; "
        "ask for fewer and page on with `after`"
    )
    body = await api.graphql_raw("{ products(first: 501) { totalCount } }")
    assert messages(body) == [expected]
    # The same through a variable, which a plain validation rule would not see.
    query = "query($n: Int!) { products(first: $n) { totalCount } }"
    assert messages(await api.graphql_raw(query, n=501)) == [expected]
    assert await api.graphql(query, n=500) == {"products": {"totalCount": 0}}


async def test_a_repeated_document_is_validated_once_whatever_its_variables(api: Api) -> None:
    # The validation cache shared by every request (strawberry's, api/graphql/schema.py):
    # the limits depend on the variables, so they must not be a rule of the validation,
    # which would make every request a cache miss.
    validate = _get_validate_cache(PARSED_DOCUMENTS)
    query = "query($n: Int!) { teams(first: $n) { totalCount } }"
    await api.graphql(query, n=1)
    before = validate.cache_info()
    for n in (2, 3, 500):
        assert await api.graphql(query, n=n) == {"teams": {"totalCount": 0}}
    after = validate.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (3, 0)
    # The limits still apply to the cached document.
    assert "more than the largest page" in messages(await api.graphql_raw(query, n=501))[0]


# Worked out by hand with the rules of api/graphql/limits.py (non-leaf field: 1 + multiplier *
# its selection's cost; `first` multiplies, a list without `first` multiplies by 10, a
# connection's edges by 1):
#   children                         1 + 10 * 0             = 1
#   inner node { key children }      1 + 1 * 1              = 2
#   inner edges                      1 + 1 * 2              = 3
#   workItems(first: 5)              1 + 5 * 3              = 16
#   members { name }                 1 + 10 * 0             = 1
#   outer node { members workItems } 1 + 1 * (1 + 16)       = 18
#   outer edges                      1 + 1 * 18             = 19
#   teams(first: 20)                 1 + 20 * 19            = 381
NESTED = """
query($teams: Int!) {
  teams(first: $teams) { totalCount edges { node { name members { name } ...Items } } }
}
fragment Items on Team {
  workItems(first: 5) { edges { node { key children { key } } } }
}
"""


async def test_the_cost_of_a_nested_query_is_refused_over_the_ceiling(
    connection: Connection, store: GraphStore
) -> None:
    async with serve(connection, graphql_max_cost=381) as api:
        data = await api.graphql(NESTED, teams=20)
    assert data == {"teams": {"totalCount": 0, "edges": []}}
    async with serve(connection, graphql_max_cost=380) as api:
        body = await api.graphql_raw(NESTED, teams=20)
        # 19 teams: 1 + 19 * 19 = 362, under the ceiling again.
        assert (await api.graphql(NESTED, teams=19))["teams"]["totalCount"] == 0
    assert body.get("data") is None
    assert messages(body) == [
        "query cost 381 is above the limit of 380: ask for fewer items "
        "(a smaller `first`) or fewer nested lists"
    ]


async def test_the_default_limits_pass_the_ide_example_and_refuse_a_runaway_query(
    api: Api,
) -> None:
    # Depth 7, well under the defaults; see api/web/graphiql.html.
    example = """{
      products(first: 10) { edges { node { name productKey businessLine { name }
        valueStreams { name stages { name state } } } } }
      workItems(kinds: [FEATURE], first: 5) { edges { node { key title } } }
    }"""
    assert await api.graphql(example) == {"products": {"edges": []}, "workItems": {"edges": []}}
    # node { key } 1; edges 2; workItems(first: 500) 1 + 500 * 2 = 1001; Person.teams
    # 1 + 10 * 1001 = 10011; members 1 + 10 * 10011 = 100111; node 100112; edges 100113;
    # teams(first: 500) 1 + 500 * 100113 = 50056501.
    runaway = """{ teams(first: 500) { edges { node { members { teams {
      workItems(first: 500) { edges { node { key } } } } } } } } }"""
    body = await api.graphql_raw(runaway)
    assert messages(body) == [
        "query cost 50056501 is above the limit of 200000: ask for fewer items "
        "(a smaller `first`) or fewer nested lists"
    ]


async def test_introspection_off_refuses_schema_queries_and_hides_the_ide(
    connection: Connection, store: GraphStore
) -> None:
    html = {"accept": "text/html"}
    async with serve(connection) as api:  # development: on
        assert (await api.graphql("{ __schema { queryType { name } } }")) == {
            "__schema": {"queryType": {"name": "Query"}}
        }
        assert (await api.client.get("/graphql", headers=html)).status_code == 200
    async with serve(connection, env="production") as api:  # production: off
        body = await api.graphql_raw("{ __schema { queryType { name } } }")
        # graphql-core names every field of an introspection type it meets.
        assert messages(body)[0] == (
            "GraphQL introspection has been disabled, but the requested query contained "
            "the field '__schema'."
        )
        assert body.get("data") is None
        assert (await api.client.get("/graphql", headers=html)).status_code == 404
        # Ordinary queries still work (`__typename` is not introspection).
        assert await api.graphql("{ __typename }") == {"__typename": "Query"}
    async with serve(connection, graphql_introspection=False) as api:
        body = await api.graphql_raw('{ __type(name: "Team") { name } }')
        assert messages(body)[0].endswith("contained the field '__type'.")


async def test_a_read_over_the_timeout_is_abandoned_with_a_clear_error(
    connection: Connection, store: GraphStore
) -> None:
    # No read answers within a microsecond: the deadline passes at the first wait on the
    # socket, so this is a deliberately slow query however fast the database is.
    async with serve(connection, query_timeout_seconds=0.000001) as api:
        body = await api.graphql_raw("{ products(first: 1) { totalCount } }")
        assert body["data"] is None
        assert messages(body) == [
            "the query took too long (more than 1e-06 s) and was abandoned; ask for less: "
            "a smaller `first`, fewer nested lists or a shorter time range"
        ]
    # The store is usable again once the deadline allows it.
    async with serve(connection, query_timeout_seconds=30) as api:
        assert await api.graphql("{ products(first: 1) { totalCount } }") == {
            "products": {"totalCount": 0}
        }


async def test_an_internal_error_is_masked(api: Api) -> None:
    org = SmallOrg()
    await ingest(api.store, parse_objects(org.records()))
    # Data written past ingest's validation (say by another tool on the same Neo4j):
    # `points` is not a number, so converting it fails inside the resolver.
    story = org.id("story1")
    await api.store.write(
        SET_WORK_ITEM_PROPERTIES, rows=[{"id": story, "properties": {"points": "lots"}}]
    )
    response = await api.client.post(
        "/graphql", json={"query": f'{{ workItem(key: "{story}") {{ key points }} }}'}
    )
    body = response.json()
    assert body["data"] == {"workItem": {"key": story, "points": None}}
    assert [(e["message"], e["path"]) for e in body["errors"]] == [
        ("Unexpected error.", ["workItem", "points"])
    ]
    assert set(body["errors"][0]) == {"message", "locations", "path"}  # no extensions
    # Neither the original message nor a stack frame nor any Cypher reaches the client.
    for leak in ("could not convert", "lots", "Traceback", "float", "MATCH", "WorkItem {"):
        assert leak not in response.text


async def test_a_domain_error_is_shown_as_written(api: Api) -> None:
    body = await api.graphql_raw('{ products(first: 1, after: "nonsense") { totalCount } }')
    assert messages(body) == ["invalid cursor 'nonsense'"]


def test_limits_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "VSG_GRAPHQL_MAX_DEPTH": "4",
            "VSG_GRAPHQL_MAX_ALIASES": "5",
            "VSG_GRAPHQL_MAX_TOKENS": "600",
            "VSG_GRAPHQL_MAX_PAGE": "100",
            "VSG_GRAPHQL_MAX_COST": "7000",
            "VSG_GRAPHQL_INTROSPECTION": "off",
            "VSG_QUERY_TIMEOUT_SECONDS": "2.5",
        }
    )
    assert (settings.graphql_max_depth, settings.graphql_max_aliases) == (4, 5)
    assert (settings.graphql_max_tokens, settings.graphql_max_page) == (600, 100)
    assert (settings.graphql_max_cost, settings.query_timeout_seconds) == (7000, 2.5)
    assert settings.introspection is False
    production = {"VSG_ENV": "production", "VSG_NEO4J_PASSWORD": "s3cret"}
    assert Settings.from_env(production).introspection is False
    assert Settings.from_env({**production, "VSG_GRAPHQL_INTROSPECTION": "true"}).introspection
    assert Settings.from_env({}).introspection is True
    with pytest.raises(ConfigError, match="VSG_GRAPHQL_INTROSPECTION must be true or false"):
        Settings.from_env({"VSG_GRAPHQL_INTROSPECTION": "maybe"})
    with pytest.raises(ConfigError, match="VSG_GRAPHQL_MAX_COST must be at least 1"):
        Settings.from_env({"VSG_GRAPHQL_MAX_COST": "0"})
    with pytest.raises(ConfigError, match="VSG_QUERY_TIMEOUT_SECONDS must be more than 0"):
        Settings.from_env({"VSG_QUERY_TIMEOUT_SECONDS": "0"})
