"""`Product.dora` and the top-level `dora(repositories:)` over GraphQL."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.api.conftest import Api
from tests.integration.test_dora import load_shop

pytestmark = pytest.mark.db

FIELDS = """
  from to environment
  deploymentFrequency { deployments perDay medianDaysPerWeek medianDaysPerMonth level }
  leadTime { changes excluded medianHours p85Hours level }
  changeFailureRate { deployments failed rate level }
  timeToRestore { incidents unresolved medianHours level }
"""

PRODUCT = (
    "query($id: ID!, $from: DateTime, $to: DateTime, $env: String!) {"
    " node(id: $id) { ... on Product { dora(from: $from, to: $to, environment: $env) {"
    + FIELDS
    + "} } } }"
)

REPOSITORIES = (
    "query($repos: [ID!]!, $from: DateTime, $to: DateTime) {"
    " dora(repositories: $repos, from: $from, to: $to) {" + FIELDS + "} }"
)

MARCH = {"from": "2025-03-01T00:00:00Z", "to": "2025-03-31T00:00:00Z"}


async def test_product_dora_answers_the_hand_worked_figures(api: Api) -> None:
    shop = await load_shop(api.store)
    data = await api.graphql(PRODUCT, id=f"Product:{shop.id('product')}", env="production", **MARCH)
    # The figures of tests/integration/test_dora.py, where they are worked out.
    assert data["node"]["dora"] == {
        "from": "2025-03-01T00:00:00+00:00",
        "to": "2025-03-31T00:00:00+00:00",
        "environment": "production",
        "deploymentFrequency": {
            "deployments": 4,
            "perDay": pytest.approx(4 / 30),
            "medianDaysPerWeek": 0.5,
            "medianDaysPerMonth": 4.0,
            "level": "MEDIUM",
        },
        "leadTime": {
            "changes": 4,
            "excluded": 2,
            "medianHours": pytest.approx(25.0),
            "p85Hours": pytest.approx(27.1),
            "level": "HIGH",
        },
        "changeFailureRate": {"deployments": 4, "failed": 3, "rate": 0.75, "level": "LOW"},
        "timeToRestore": {"incidents": 2, "unresolved": 1, "medianHours": 4.0, "level": "HIGH"},
    }
    by_repo = await api.graphql(REPOSITORIES, repos=[shop.id("repo")], **MARCH)
    assert by_repo["dora"] == data["node"]["dora"]


async def test_no_data_is_null_and_a_bad_window_is_an_error(api: Api) -> None:
    shop = await load_shop(api.store)
    january = {"from": "2025-01-01T00:00:00Z", "to": "2025-01-31T00:00:00Z"}
    data = await api.graphql(REPOSITORIES, repos=[shop.id("repo")], **january)
    assert data["dora"]["deploymentFrequency"] == {
        "deployments": 0,
        "perDay": None,
        "medianDaysPerWeek": None,
        "medianDaysPerMonth": None,
        "level": None,
    }
    assert data["dora"]["leadTime"]["medianHours"] is None
    assert data["dora"]["changeFailureRate"]["rate"] is None
    backwards = {"from": "2025-03-31T00:00:00Z", "to": "2025-03-01T00:00:00Z"}
    body = await api.graphql_raw(REPOSITORIES, repos=[shop.id("repo")], **backwards)
    assert "must be before" in body["errors"][0]["message"]


async def test_the_default_window_is_the_last_90_days(api: Api) -> None:
    shop = await load_shop(api.store)
    data = await api.graphql(REPOSITORIES, repos=[shop.id("repo")], **{"from": None, "to": None})
    window = data["dora"]
    start, end = datetime.fromisoformat(window["from"]), datetime.fromisoformat(window["to"])
    assert (end - start).days == 90
