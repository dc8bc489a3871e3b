"""Odd input is a 4xx with a message that says what is wrong, and writes nothing.

Out-of-range datetimes after offset conversion, numbers no database holds (NaN, Infinity,
1e400), bytes that are not UTF-8, keys a record does not have, and GraphQL bodies that
are not objects; on `POST /ingest`, the `ingest` mutation and a signed webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.runtime import runtime
from graph.db.queries import cypher
from graph.db.store import Connection, GraphStore
from graph.read.entities import COUNT
from graph.settings import Settings
from tests.api.conftest import Api
from tests.fuzz.strategies import NOT_UTF8

pytestmark = pytest.mark.db

SECRET = "input-secret"
COUNT_RELATIONSHIPS = cypher("admin/count_relationships")
#: Valid ISO 8601 with an offset, but outside datetime's range once in UTC.
OUT_OF_RANGE = ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"]
NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"]
INGEST = """mutation ($records: [JSON!]!) { ingest(records: $records) {
  __typename ... on IngestRejected { problems { line field message } } } }"""


@pytest.fixture
async def app(connection: Connection, store: GraphStore) -> AsyncIterator[Api]:
    app = create_app(Settings(github_webhook_secret=SECRET), connection)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            yield Api(c, runtime(app).store)


async def _total(store: GraphStore) -> int:
    nodes = sum([(await store.read(COUNT[label]))[0]["total"] for label in COUNT])
    return nodes + sum(row["total"] for row in await store.read(COUNT_RELATIONSHIPS))


def _story(**changes: Any) -> dict[str, Any]:
    record = {
        "record": "node",
        "label": "Story",
        "id": "ODD-1",
        "properties": {"title": "odd", "createdAt": "2025-03-01T09:00:00Z"},
    }
    return {**record, **changes}


async def _ingest(app: Api, body: bytes) -> httpx.Response:
    return await app.client.post(
        "/ingest", content=body, headers={"content-type": "application/x-ndjson"}
    )


async def _mutation(app: Api, records: list[Any]) -> dict[str, Any]:
    data = await app.graphql(INGEST, records=records)
    result: dict[str, Any] = data["ingest"]
    return result


# --- datetimes --------------------------------------------------------------------------


@pytest.mark.parametrize("at", OUT_OF_RANGE)
async def test_a_datetime_out_of_range_in_utc_is_refused_everywhere(
    app: Api, store: GraphStore, at: str
) -> None:
    story = _story(properties={"title": "odd", "createdAt": at})
    state = {"record": "state", "item": "ODD-1", "state": "Doing", "at": at}
    for record in (story, state):
        response = await _ingest(app, json.dumps(record).encode())
        assert response.status_code == 422, response.text
        [problem] = response.json()["problems"]
        assert "outside the years 1 to 9999 in UTC" in problem["message"], problem
        rejected = await _mutation(app, [record])
        assert rejected["__typename"] == "IngestRejected", rejected
        assert "outside the years" in rejected["problems"][0]["message"]
    assert await _total(store) == 0


@pytest.mark.parametrize("at", OUT_OF_RANGE)
async def test_a_signed_push_with_a_datetime_out_of_range_is_a_4xx(
    app: Api, store: GraphStore, at: str
) -> None:
    payload = {
        "ref": "refs/heads/main",
        "before": "0" * 40,
        "after": "a" * 40,
        "repository": {"full_name": "acme/odd", "html_url": "https://github.com/acme/odd"},
        "commits": [
            {
                "id": "a" * 40,
                "message": "odd",
                "timestamp": at,
                "author": {"name": "Ben", "username": "ben"},
            }
        ],
    }
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = await app.client.post(
        "/webhooks/github",
        content=body,
        headers={
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": "odd",
            "X-Hub-Signature-256": signature,
        },
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["written"] is False
    assert "9999" in response.text or "range" in response.text, response.text
    assert await _total(store) == 0


# --- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("number", NON_FINITE)
@pytest.mark.parametrize("where", ["float", "int", "id"])
async def test_a_number_no_database_holds_is_refused_on_ingest(
    app: Api, store: GraphStore, number: str, where: str
) -> None:
    if where == "float":  # Feedback.score is a number property
        props = '{"title": "f", "channel": "nps", "createdAt": "2025-03-01T09:00:00Z", "score": %s}'
        line = '{"record": "node", "label": "Feedback", "id": "f1", "properties": ' + props + "}"
    elif where == "int":
        ends = '"from": {"label": "Stage", "id": "s"}, "to": {"label": "Skill", "id": "k"}'
        line = '{"record": "relationship", "type": "NEEDS_SKILL", ' + ends
        line += ', "properties": {"level": %s}}'
    else:
        line = '{"record": "node", "label": "Team", "id": %s, "properties": {"name": "t"}}'
    response = await _ingest(app, (line % number).encode())
    assert response.status_code == 422, response.text
    [problem] = response.json()["problems"]
    assert problem["field"] == "json"
    assert number.lstrip("-") in problem["message"], problem
    assert await _total(store) == 0


@pytest.mark.parametrize("number", NON_FINITE)
async def test_a_number_no_database_holds_is_a_400_on_graphql(app: Api, number: str) -> None:
    records = '[{"record": "node", "x": ' + number + "}]"
    body = '{"query": ' + json.dumps(INGEST) + ', "variables": {"records": ' + records + "}}"
    response = await app.client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert number.lstrip("-") in response.text


async def test_a_non_finite_float_reaching_the_record_parser_is_refused(app: Api) -> None:
    """Numbers decoded elsewhere (a webhook payload, a file) meet the same check."""
    from graph.ingest.records import RecordError, parse_record

    feedback = {
        "record": "node",
        "label": "Feedback",
        "id": "f",
        "properties": {"title": "f", "channel": "nps", "createdAt": "2025-03-01T09:00:00Z"},
    }
    for value in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(RecordError, match="not a finite number"):
            parse_record({**feedback, "properties": {**feedback["properties"], "score": value}}, 1)


# --- text -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", NOT_UTF8)
async def test_bytes_that_are_not_utf8_are_refused(app: Api, store: GraphStore, raw: bytes) -> None:
    line = (
        b'{"record": "node", "label": "Team", "id": "t' + raw + b'", "properties": {"name": "x"}}'
    )
    response = await _ingest(app, line)
    assert response.status_code == 422, response.text
    assert "not UTF-8" in response.json()["problems"][0]["message"]
    body = b'{"query": "{ node(id: \\"' + raw + b'\\") { id } }"}'
    graphql = await app.client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert graphql.status_code == 400, graphql.text
    assert await _total(store) == 0


# --- keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "key"),
    [
        (_story(propeties={"title": "typo"}), "propeties"),
        (_story(source="jira"), "source"),
        (
            {
                "record": "state",
                "item": "ODD-1",
                "state": "Doing",
                "at": "2025-03-01T09:00:00Z",
                "by": "ben",
            },
            "by",
        ),
        (
            {
                "record": "relationship",
                "type": "PARENT_OF",
                "from": {"label": "Epic", "id": "E"},
                "to": {"label": "Story", "id": "S", "kind": "x"},
                "properties": {},
            },
            "kind",
        ),
        (_story(**{"\ud800": 1}), "\\ud800"),
    ],
)
async def test_an_unknown_key_is_refused_with_its_name(
    app: Api, store: GraphStore, record: dict[str, Any], key: str
) -> None:
    response = await _ingest(app, json.dumps(record).encode())
    assert response.status_code == 422, response.text
    [problem] = response.json()["problems"]
    assert f"unknown key '{key}'" in problem["message"], problem
    assert "known:" in problem["message"]
    if key != "\\ud800":  # httpx cannot send a lone surrogate as JSON text
        rejected = await _mutation(app, [record])
        assert rejected["__typename"] == "IngestRejected"
        assert f"unknown key '{key}'" in rejected["problems"][0]["message"]
    assert await _total(store) == 0


# --- GraphQL bodies ---------------------------------------------------------------------


@pytest.mark.parametrize("body", ['"{ __typename }"', "1", "-2.5", "null", "true", "false"])
async def test_a_graphql_body_that_is_not_an_object_is_a_400(app: Api, body: str) -> None:
    response = await app.client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert "must be a JSON object" in response.text


# --- a wrong type where a vendor payload has text -----------------------------------------


@pytest.mark.parametrize(
    ("event", "payload", "position"),
    [
        (
            "push",
            {"ref": "refs/heads/main", "before": "0" * 40, "after": "a" * 40, "commits": [],
             "repository": {"full_name": "acme/odd", "html_url": 1.5}},
            "repository.html_url",
        ),
        (
            "release",
            {"action": ["published"], "repository": {"full_name": "acme/odd"},
             "release": {"id": 9, "tag_name": "v1", "published_at": "2025-03-07T10:00:00Z"}},
            "action",
        ),
    ],
)  # fmt: skip
async def test_a_signed_github_payload_with_a_wrong_type_is_a_400(
    app: Api, store: GraphStore, event: str, payload: dict[str, Any], position: str
) -> None:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = await app.client.post(
        "/webhooks/github",
        content=body,
        headers={"X-GitHub-Event": event, "X-Hub-Signature-256": signature},
    )
    assert response.status_code == 400, response.text
    assert response.json()["written"] is False
    [problem] = response.json()["problems"]
    assert problem["position"] == position
    assert problem["message"].startswith("expected a string, got "), problem
    assert await _total(store) == 0
