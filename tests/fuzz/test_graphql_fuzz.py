"""Fuzz `POST /graphql`: queries and mutations generated from the schema's SDL (valid ones,
and ones with one schema violation, by hypothesis-graphql), and malformed documents and
requests (random text, mutated documents, huge `first`, deep nesting, wrong variables).

Invariants: the status is 200 or 400, the body is JSON, no error leaks a traceback or
Cypher, and none is the masked "Unexpected error." (an internal error); a mutation that writes
nothing visible (rejected, or an error) leaves every node and relationship count as it was.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import replace
from typing import Any

import graphql
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from api.graphql.schema import build_schema
from graph.settings import Settings
from tests.api.conftest import Api
from tests.fuzz.checks import FUZZ, ORG, body_of, counts, seed
from tests.fuzz.strategies import (
    EXTREME_TIMES,
    GOOD_TIMES,
    JSON_VALUES,
    NON_FINITE,
    NOT_UTF8,
    ODD_TEXT,
    PREFIX,
    units,
)
from tests.fuzz.tally import Tally

pytestmark = pytest.mark.db

VALID, INVALID, MUTATIONS, DOCUMENTS, REQUESTS = 100, 50, 60, 80, 60

SDL = str(build_schema(Settings()))
#: The mutations over the value-stream graph (token administration is left to its tests).
MUTATION_FIELDS = ["ingest", "raiseBacklogItem"]
REJECTED = {"IngestRejected", "BacklogItemRejected"}
MASKED = "Unexpected error."

#: Keys and global ids of the fixture organisation, so generated lookups find something.
KNOWN = [
    ORG.product,
    ORG.stage("dev"),
    ORG.id("team"),
    ORG.id("story1"),
    f"Product:{ORG.product}",
    f"Stage:{ORG.stage('dev')}",
    f"Team:{ORG.id('team')}",
    f"WorkItem:{ORG.id('story1')}",
    "In Progress",
    "PAY",
]
TEXT = st.sampled_from(KNOWN) | ODD_TEXT.filter(lambda t: len(t) < 2_000)
NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*\Z")


def value_node(value: Any) -> graphql.ValueNode:
    """A GraphQL literal for a JSON value (object keys that are no GraphQL name renamed)."""
    if value is None:
        return nodes.Null
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return nodes.Float(value)
    if isinstance(value, str):
        return nodes.String(value)
    if isinstance(value, list):
        return nodes.List([value_node(v) for v in value])
    return nodes.Object(
        [
            graphql.ObjectFieldNode(
                name=graphql.NameNode(value=k if NAME.match(k) else f"k{i}"), value=value_node(v)
            )
            for i, (k, v) in enumerate(value.items())
        ]
    )


#: Records for the ingest mutation: units of both kinds, and any JSON value.
RECORDS = st.one_of(
    units(f"{PREFIX.decode()}-gql").map(lambda u: json.loads(u.lines[-1])),
    JSON_VALUES,
)
SCALARS = {
    "ID": TEXT.map(nodes.String),
    "String": TEXT.map(nodes.String),
    "Int": (st.integers(0, 60) | st.integers(-(2**31), 2**31 - 1)).map(nodes.Int),
    "DateTime": (GOOD_TIMES | TEXT).map(nodes.String),
    "JSON": RECORDS.map(value_node),
}


def with_typename(document: str) -> str:
    """The document with `__typename` asked of every root field (to see what a mutation
    answered: a success type, or a rejection)."""
    typename = graphql.FieldNode(name=graphql.NameNode(value="__typename"))

    def asked(field: graphql.SelectionNode) -> graphql.SelectionNode:
        if not isinstance(field, graphql.FieldNode) or field.selection_set is None:
            return field
        selections = (*field.selection_set.selections, typename)
        return replace(field, selection_set=replace(field.selection_set, selections=selections))

    parsed = graphql.parse(document)
    definitions = [
        replace(
            d,
            selection_set=replace(
                d.selection_set, selections=tuple(asked(f) for f in d.selection_set.selections)
            ),
        )
        if isinstance(d, graphql.OperationDefinitionNode)
        else d
        for d in parsed.definitions
    ]
    return graphql.print_ast(replace(parsed, definitions=tuple(definitions)))


async def post(api: Api, tally: Tally, payload: Any = None, **kwargs: Any) -> tuple[int, Any]:
    """POST to /graphql and check the answer: 200, 400 or 415, JSON, nothing leaked."""
    if payload is not None:
        # ASCII escapes, as JSON clients send (httpx's own encoding cannot carry `\ud800`)
        kwargs["content"] = json.dumps(payload)
        kwargs["headers"] = {"content-type": "application/json"}
    response = await api.client.post("/graphql", **kwargs)
    assert response.status_code in (200, 400, 415), (response.status_code, response.text[:2000])
    if response.status_code == 415:
        # A simple content type (text/plain, form, multipart) without a token: what any
        # web page may send across sites, refused before it is read (api/http/guard.py).
        assert "Content-Type" in response.json()["error"]
        tally.outcome(415)
        return 415, None
    if response.status_code == 400:
        # strawberry answers a malformed request (not JSON, no query...) in plain text
        for leak in ("Traceback", 'File "', "MATCH ("):
            assert leak not in response.text, response.text[:2000]
        tally.outcome(400)
        return 400, None
    body = body_of(response)
    tally.outcome("200 with errors" if body.get("errors") else "200")
    # No internal error hides behind the mask either: every error says what was wrong.
    assert MASKED not in messages(body), body
    return 200, body


def messages(body: Any) -> list[str]:
    return [e.get("message", "") for e in body.get("errors") or []]


@settings(max_examples=VALID, **FUZZ)
@given(document=queries(SDL, custom_scalars=SCALARS, mode=Mode.POSITIVE))
async def test_valid_queries_answer_without_internal_errors(
    api: Api, tally: Tally, document: str
) -> None:
    tally.expect("graphql", VALID)
    if not tally.count:
        await seed(api.store)
    tally.add()
    status, _ = await post(api, tally, {"query": document})
    assert status == 200


@settings(max_examples=INVALID, **FUZZ)
@given(document=queries(SDL, custom_scalars=SCALARS, mode=Mode.NEGATIVE))
async def test_invalid_queries_are_refused_cleanly(api: Api, tally: Tally, document: str) -> None:
    tally.expect("graphql", INVALID)
    if not tally.count:
        await seed(api.store)
    tally.add()
    status, body = await post(api, tally, {"query": document})
    assert status == 400 or body.get("errors"), (document, body)


MUTATION_DOCUMENTS = st.one_of(
    mutations(SDL, fields=MUTATION_FIELDS, custom_scalars=SCALARS, mode=Mode.POSITIVE),
    mutations(SDL, fields=MUTATION_FIELDS, custom_scalars=SCALARS, mode=Mode.NEGATIVE),
)


@settings(max_examples=MUTATIONS, **FUZZ)
@given(document=MUTATION_DOCUMENTS)
async def test_a_mutation_that_writes_nothing_leaves_the_graph_as_it_was(
    api: Api, tally: Tally, document: str
) -> None:
    tally.expect("graphql", MUTATIONS)
    if not tally.count:
        await seed(api.store)
    tally.add()
    # A negative case that does not even parse is sent as it is.
    with contextlib.suppress(graphql.GraphQLError):
        document = with_typename(document)
    before = await counts(api.store)
    _, body = await post(api, tally, {"query": document})
    after = await counts(api.store)
    answers = ((body or {}).get("data") or {}).values()
    succeeded = [a for a in answers if a is not None and a.get("__typename") not in REJECTED]
    tally.outcome(f"mutation {'written' if succeeded else 'nothing written'}")
    if not succeeded:
        assert after == before, (document, body)


HUGE = st.one_of(
    st.sampled_from([-1, 0, 1, 500, 501, 2**31 - 1, 2**31, -(2**31) - 1]),
    st.integers(-(2**70), 2**70),
)
PAGED = [
    "businessLines(first: {n}) {{ totalCount }}",
    "products(first: {n}) {{ edges {{ node {{ key }} }} }}",
    "valueStreams(first: {n}) {{ totalCount }}",
    "teams(first: {n}) {{ totalCount }}",
    "tools(first: {n}) {{ totalCount }}",
    "workItems(first: {n}) {{ totalCount }}",
    'search(text: "fz", first: {n}) {{ id }}',
    'neighbourhood(id: "Product:fz-product", first: {n}) {{ hasNextPage }}',
    'shortestPath(from: "Product:fz-product", to: "Team:fz-team", maxDepth: {n}) {{ length }}',
]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid query truncated, with a span deleted, duplicated or replaced by odd text."""
    text = draw(queries(SDL, custom_scalars=SCALARS))
    at = draw(st.integers(0, len(text)))
    end = draw(st.integers(at, len(text)))
    how = draw(st.sampled_from(["truncate", "delete", "duplicate", "insert"]))
    if how == "truncate":
        return text[:at]
    if how == "delete":
        return text[:at] + text[end:]
    if how == "duplicate":
        return text[:end] + text[at:]
    return text[:at] + draw(st.text(st.sampled_from("{}()[]:$@!.\"'#,=|&\\ \n"), max_size=8))


@st.composite
def deep(draw: st.DrawFn) -> str:
    """Nesting the depth, token and parser limits must stop before anything runs."""
    n = draw(st.integers(2, 5_000))
    kind = draw(st.sampled_from(["braces", "lists", "selections", "fragments", "cycle", "object"]))
    if kind == "braces":
        return "{" * n + "}" * n
    if kind == "lists":
        return '{ search(text: "a", labels: ' + "[" * n + "]" * n + ") { id } }"
    if kind == "selections":
        k = min(n, 400)
        inner = "products { businessLine { " * k + "key" + " } }" * k
        return "{ businessLines(first: 1) { edges { node { " + inner + " } } } }"
    if kind == "fragments":
        k = min(n, 300)
        spreads = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(k))
        return f"{{ ...F0 }} {spreads} fragment F{k} on Query {{ __typename }}"
    if kind == "cycle":
        return "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    return "mutation { ingest(records: [" + "{a: " * n + "1" + "}" * n + "]) { __typename } }"


DOCUMENTS_STRATEGY = st.one_of(
    st.text(max_size=200),
    mutated(),
    st.builds(lambda t, n: "{ " + t.format(n=n) + " }", st.sampled_from(PAGED), HUGE),
    deep(),
)


@settings(max_examples=DOCUMENTS, **FUZZ)
@given(document=DOCUMENTS_STRATEGY)
@example(document="{" * 1999)
@example(document='{ search(text: "\\ud800") { id } }')
async def test_malformed_documents_are_refused_cleanly(
    api: Api, tally: Tally, document: str
) -> None:
    tally.expect("graphql", DOCUMENTS)
    if not tally.count:
        await seed(api.store)
    tally.add()
    before = await counts(api.store)
    await post(api, tally, {"query": document})
    assert await counts(api.store) == before


#: Operations with one variable each, sent with any JSON value for it.
WITH_VARIABLE = [
    "query($v: Int!) { products(first: $v) { totalCount } }",
    "query($v: String!) { search(text: $v) { id } }",
    "query($v: ID!) { node(id: $v) { id } }",
    "query($v: [WorkItemKind!]) { workItems(kinds: $v) { totalCount } }",
    'query($v: DateTime) { dora(repositories: ["r"], from: $v) { environment } }',
    "mutation($v: [JSON!]!) { ingest(records: $v) { __typename } }",
    "mutation($v: RaiseBacklogItemInput!) { raiseBacklogItem(input: $v) { __typename } }",
]

#: A windowed field whose `from` a variable gives.
WINDOWED = (
    "query($from: DateTime) { products(first: 1) { edges { node { valueStreams {"
    " cfd(from: $from) { interval } } } } } }"
)

ENVELOPES = st.one_of(
    # A body that is JSON but no object: a string, a number, null, a boolean.
    st.builds(
        lambda v: {"content": json.dumps(v)},
        st.text(max_size=20)
        | st.integers()
        | st.floats(allow_nan=False)
        | st.none()
        | st.booleans(),
    ),
    # Numbers Python's json reads but JSON has not: in a variable, or as the whole body.
    st.builds(
        lambda q, n, whole: {
            "content": n
            if whole
            else '{"query": ' + json.dumps(q) + ', "variables": {"v": ' + n + "}}"
        },
        st.sampled_from(WITH_VARIABLE),
        NON_FINITE,
        st.booleans(),
    ),
    # Variables carrying times outside the datetime range once in UTC.
    st.builds(
        lambda v: {"content": json.dumps({"query": WINDOWED, "variables": {"from": v}})},
        EXTREME_TIMES,
    ),
    # Bodies with bytes that are not UTF-8 inside a string.
    st.builds(
        lambda raw: {"content": b'{"query": "{ node(id: \\"' + raw + b'\\") { id } }"}'},
        st.sampled_from(NOT_UTF8),
    ),
    st.builds(
        lambda q, v: {"content": json.dumps({"query": q, "variables": {"v": v}})},
        st.sampled_from(WITH_VARIABLE),
        JSON_VALUES,
    ),
    st.builds(
        lambda q, n: {
            "content": '{"query": "' + q + '", "variables": {"v": ' + "[" * n + "]" * n + "}}"
        },
        st.sampled_from(WITH_VARIABLE),
        st.integers(1, 100_000),
    ),
    st.builds(
        lambda body: {"content": json.dumps(body)},
        st.dictionaries(st.sampled_from(["query", "variables", "operationName"]), JSON_VALUES),
    ),
    st.builds(
        lambda data, kind: {"content": data, "headers": {"content-type": kind}},
        st.binary(max_size=200),
        st.sampled_from(
            [
                "application/json",
                "text/plain",
                "application/graphql",
                "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded",
            ]
        ),
    ),
)


@settings(max_examples=REQUESTS, **FUZZ)
@given(request=ENVELOPES)
@example(request={"content": "null"})
@example(request={"content": '"{ __typename }"'})
@example(request={"content": '{"query": "{ __typename }", "variables": {"v": 1e400}}'})
# Regressions: a body nested deeper than json's decoder recurses, and a body that is not
# UTF-8, were 500s; a variable of the wrong type was masked as an "Unexpected error.".
@example(
    request={"content": '{"query": "{ __typename }", "variables": ' + "[" * 5000 + "]" * 5000 + "}"}
)
@example(request={"content": b"\x80", "headers": {"content-type": "application/json"}})
@example(request={"content": json.dumps({"query": WITH_VARIABLE[1], "variables": {"v": [[1]]}})})
@example(request={"content": json.dumps({"query": WITH_VARIABLE[4], "variables": {"v": "P$LT"}})})
async def test_malformed_requests_are_refused_cleanly(
    api: Api, tally: Tally, request: dict[str, Any]
) -> None:
    tally.expect("graphql", REQUESTS)
    if not tally.count:
        await seed(api.store)
    tally.add()
    request.setdefault("headers", {"content-type": "application/json"})
    before = await counts(api.store)
    status, body = await post(api, tally, **request)
    if status == 200 and body.get("data") is not None:
        rejected = all(v is None or v.get("__typename") in REJECTED for v in body["data"].values())
        if rejected:
            assert await counts(api.store) == before, body
