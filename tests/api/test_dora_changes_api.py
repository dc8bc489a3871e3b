"""Lead time per change over GraphQL: `leadTime.perChange`, the breakdown and findings."""

from __future__ import annotations

import uuid

import pytest

from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.api.conftest import Api
from tests.integration.test_dora_changes import records

pytestmark = pytest.mark.db

QUERY = """
query($id: ID!, $env: String!) {
  node(id: $id) { ... on Product {
    dora(from: "2025-03-01T00:00:00Z", to: "2025-03-31T00:00:00Z", environment: $env) {
      leadTime {
        changes medianHours findings { finding count }
        perChange(first: 2) {
          key hours codingHours pickupHours reviewHours deployHours excluded listed findings
          deployedAt pullRequest { title } deployment { key }
        }
      }
    }
  } }
}
"""


async def test_per_change_lead_times_with_their_breakdown(api: Api) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(api.store, parse_objects(records(p)))
    data = await api.graphql(QUERY, id=f"Product:{p}-product", env="PRODUCTION")
    lt = data["node"]["dora"]["leadTime"]
    assert (lt["changes"], lt["medianHours"], lt["findings"]) == (3, 34.5, [])
    # latest deployment first: D2's two commits (no pull request, no steps).
    first, second = lt["perChange"]
    assert {first["key"], second["key"]} == {f"commit:{p}-b1", f"commit:{p}-c1"}
    assert first["deployment"]["key"] == f"{p}-d2" and first["codingHours"] is None

    staging = await api.graphql(QUERY, id=f"Product:{p}-product", env="Staging")
    (early,) = staging["node"]["dora"]["leadTime"]["perChange"]
    assert early["pullRequest"] == {"title": "Pay by card"}
    assert (early["hours"], early["codingHours"], early["pickupHours"]) == (28.0, 2.0, 24.0)
    assert (early["reviewHours"], early["deployHours"]) == (2.0, 0.0)
    assert early["findings"] == ["first deployment finished before the merge"]
    assert staging["node"]["dora"]["leadTime"]["findings"] == [
        {"finding": "first deployment finished before the merge", "count": 1}
    ]


#: perChange asked through a named fragment and findings through an inline one: the
#: resolver must still read the changes with their reviews (`details_selected`).
THROUGH_FRAGMENTS = """
query($id: ID!) {
  node(id: $id) { ... on Product {
    dora(from: "2025-03-01T00:00:00Z", to: "2025-03-31T00:00:00Z", environment: "Staging") {
      ...Lead
    }
  } }
}
fragment Lead on DoraMetrics {
  leadTime { changes ... on LeadTime { findings { count } } ...Changes }
}
fragment Changes on LeadTime { perChange { pickupHours pullRequest { title } } }
"""

FIGURES_ONLY = """
query($id: ID!, $env: String!) {
  node(id: $id) { ... on Product {
    dora(from: "2025-03-01T00:00:00Z", to: "2025-03-31T00:00:00Z", environment: $env) {
      leadTime { changes excluded medianHours p85Hours level }
    }
  } }
}
"""


async def test_the_breakdown_is_read_when_asked_through_fragments(api: Api) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(api.store, parse_objects(records(p)))
    data = await api.graphql(THROUGH_FRAGMENTS, id=f"Product:{p}-product")
    lt = data["node"]["dora"]["leadTime"]
    assert lt["perChange"] == [{"pickupHours": 24.0, "pullRequest": {"title": "Pay by card"}}]
    assert lt["findings"] == [{"count": 1}]


async def test_figures_alone_equal_those_read_with_the_changes(api: Api) -> None:
    p = uuid.uuid4().hex[:6]
    await ingest(api.store, parse_objects(records(p)))
    for env in ("PRODUCTION", "Staging"):
        figures = await api.graphql(FIGURES_ONLY, id=f"Product:{p}-product", env=env)
        detailed = await api.graphql(QUERY, id=f"Product:{p}-product", env=env)
        alone, full = figures["node"]["dora"]["leadTime"], detailed["node"]["dora"]["leadTime"]
        assert alone["changes"] == full["changes"] and alone["changes"] > 0
        assert alone["medianHours"] == full["medianHours"]
