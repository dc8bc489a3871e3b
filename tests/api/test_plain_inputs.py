"""GraphQL and the exports take what the CLI takes: plain dates, `Label:key` ids."""

from __future__ import annotations

import logging

import pytest

from api.graphql.errorlog import quiet_input_errors
from tests.api.conftest import Api
from tests.api.test_exports import WINDOW, flow_org

pytestmark = pytest.mark.db

QUERY = """
query($id: ID!, $from: DateTime, $to: DateTime) {
  node(id: $id) {
    ... on ValueStream { flowMetrics(from: $from, to: $to) { from to flowVelocity } }
  }
}
"""


async def test_graphql_takes_plain_dates_as_utc_midnight(api: Api) -> None:
    org = await flow_org(api)
    id = f"ValueStream:{org.id('vs')}"
    data = await api.graphql(QUERY, id=id, **{"from": "2025-03-03", "to": "2025-03-10"})
    flow = data["node"]["flowMetrics"]
    assert (flow["from"], flow["to"]) == ("2025-03-03T00:00:00+00:00", "2025-03-10T00:00:00+00:00")
    assert flow["flowVelocity"] == 3
    literal = QUERY.replace("$from, to: $to", '"2025-03-03", to: "2025-03-10"').replace(
        ", $from: DateTime, $to: DateTime", ""
    )
    data = await api.graphql(literal, id=id)
    assert data["node"]["flowMetrics"]["flowVelocity"] == 3


async def test_exports_take_label_key_ids(api: Api) -> None:
    org = await flow_org(api)
    response = await api.client.get(
        f"/export/flow.json?valueStream=ValueStream:{org.id('vs')}&{WINDOW}"
    )
    assert response.status_code == 200, response.text
    assert response.json()["flow"]["velocity"] == 3
    response = await api.client.get(f"/export/dora.csv?product=Product:{org.product}")
    assert response.status_code == 200, response.text
    response = await api.client.get(f"/export/dora.csv?product=ValueStream:{org.id('vs')}")
    assert response.status_code == 400
    assert "is a ValueStream id; a Product id is expected" in response.json()["error"]


BAD_CURSOR = 'query($id: ID!) { neighbourhood(id: $id, after: "not-a-cursor") { hasNextPage } }'


async def test_input_errors_are_logged_as_one_line(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    org = await flow_org(api)
    logger = logging.getLogger("strawberry.execution")
    before = list(logger.filters)
    quiet_input_errors()
    try:
        with caplog.at_level(logging.INFO, logger="strawberry.execution"):
            body = await api.graphql_raw(BAD_CURSOR, id=f"Product:{org.product}")
    finally:
        for added in [f for f in logger.filters if f not in before]:
            logger.removeFilter(added)
    assert "invalid cursor" in body["errors"][0]["message"]
    [record] = [r for r in caplog.records if r.name == "strawberry.execution"]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "invalid cursor" in record.getMessage() and "InvalidArgument" in record.getMessage()
    assert "Traceback" not in caplog.text
