"""Plain HTTP endpoints and the ingest mutation, through the real ASGI app."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.factories import SmallOrg, ndjson, node, rel

pytestmark = pytest.mark.db

COUNT_QUERY = "{ products { totalCount } teams { totalCount } }"


async def test_post_ingest_answers_counts_and_is_idempotent(api: Api) -> None:
    body = ndjson(SmallOrg().records())
    first = await api.client.post("/ingest", content=body)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "written": True,
        "records": 24,
        "nodes": 10,
        "relationships": 14,
        "visits": 0,
        "skipped": [],
    }
    again = await api.client.post("/ingest", content=body)
    assert again.json() == first.json()
    assert await api.graphql(COUNT_QUERY) == {
        "products": {"totalCount": 1},
        "teams": {"totalCount": 1},
    }


async def test_post_ingest_rejects_a_bad_batch_whole(api: Api) -> None:
    org = SmallOrg()
    body = ndjson([*org.records(), rel("OWNS", ("Product", org.product), ("Story", "GONE-1"))])
    response = await api.client.post("/ingest", content=body)
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "line": 25,
            "field": "type",
            "message": "OWNS does not connect Product to WorkItem "
            "(allowed: BusinessLine->Product, Team->WorkItem)",
        }
    ]
    assert await api.graphql(COUNT_QUERY) == {
        "products": {"totalCount": 0},
        "teams": {"totalCount": 0},
    }


async def test_post_ingest_can_skip_invalid_records(api: Api) -> None:
    body = ndjson([node("Team", "t-1", name="Ok"), node("Team", "t-2")])
    response = await api.client.post("/ingest?skipInvalid=true", content=body)
    assert response.status_code == 200
    assert response.json()["skipped"] == [
        {"line": 2, "field": "properties.name", "message": "is required for Team"}
    ]


async def test_ingest_mutation_answers_success_or_rejection(api: Api) -> None:
    mutation = """mutation($records: [JSON!]!) { ingest(records: $records) {
        __typename
        ... on IngestSucceeded { nodes relationships }
        ... on IngestRejected { problems { line field message } } } }"""
    ok = await api.graphql(mutation, records=SmallOrg().records())
    assert ok["ingest"] == {"__typename": "IngestSucceeded", "nodes": 10, "relationships": 14}
    bad = await api.graphql(mutation, records=[{"record": "node", "label": "Nope", "id": "x"}])
    assert bad["ingest"]["__typename"] == "IngestRejected"
    assert bad["ingest"]["problems"][0]["field"] == "label"


async def test_healthz_reports_the_database(api: Api) -> None:
    response = await api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "stuckWrites": 0}
