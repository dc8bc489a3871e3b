"""`dataQuality` over GraphQL: the same report as `vsg doctor`."""

from __future__ import annotations

import pytest

from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.api.conftest import Api
from tests.factories import SmallOrg
from tests.integration.test_quality import records

pytestmark = pytest.mark.db

QUERY = """
query($pattern: String!) {
  dataQuality(productionPattern: $pattern) {
    productionPattern problems
    findings { key count examples affects fix }
    environments { name deployments production }
    pending { label records example }
  }
}
"""


async def test_data_quality_lists_every_check(api: Api) -> None:
    org = SmallOrg()
    await ingest(api.store, parse_objects(records(org)))
    report = (await api.graphql(QUERY, pattern="(?i)staging"))["dataQuality"]
    assert report["productionPattern"] == "(?i)staging"
    findings = {f["key"]: f for f in report["findings"]}
    assert findings["unmappedStates"]["count"] == 1
    assert findings["unmappedStates"]["fix"].startswith("add the states")
    # With staging as production, the product deploying to production is the one without.
    assert findings["productsWithoutProduction"]["examples"] == [
        f"{org.product}: PRODUCTION, Prod-EU, production"
    ]
    assert {e["name"]: e["production"] for e in report["environments"]}["staging"] is True
    assert report["pending"] == [
        {"label": "Commit", "records": 1, "example": f"Commit:{org.id('ghost')}"}
    ]
