"""`GET /export/...`: the CLI's figures as CSV and JSON files over HTTP.

On the literal org of tests/integration/test_flow_metrics.py, in its window
2025-03-03 to 03-10: 3 items done, median flow time 1.5 d, load 2 at the end; Done
holds 4 counted items at the end (story1, defect1, story5 and the resting one; epic1
is an epic, not counted by default). And on the DORA org of
test_prometheus (last 90 days): 3 deployments, lead time median 18 h.
"""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from tests.api.conftest import Api
from tests.api.test_prometheus import load_org
from tests.factories import SmallOrg, ndjson
from tests.integration.test_flow_metrics import org_records

pytestmark = pytest.mark.db

WINDOW = "from=2025-03-03&to=2025-03-10"


async def flow_org(api: Api, org: SmallOrg | None = None) -> SmallOrg:
    org = org or SmallOrg()
    response = await api.client.post("/ingest", content=ndjson(org_records(org)))
    assert response.status_code == 200, response.text
    return org


async def test_flow_as_json_and_csv(api: Api) -> None:
    org = await flow_org(api)
    vs = org.id("vs")
    response = await api.client.get(f"/export/flow.json?valueStream={vs}&{WINDOW}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["flow"]["velocity"] == 3
    assert body["flow"]["flowTime"]["median"] == 1.5
    assert body["flow"]["load"] == 2
    assert len(body["cfd"]["points"]) == 7  # 7 days

    response = await api.client.get(f"/export/flow.csv?valueStream={vs}&{WINDOW}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    flow = {r["metric"]: r["value"] for r in rows if r["section"] == "flow"}
    assert flow["flowVelocity"] == "3"
    assert flow["flowLoad"] == "2"


async def test_cfd_by_day_and_week(api: Api) -> None:
    org = await flow_org(api)
    vs = org.id("vs")
    response = await api.client.get(f"/export/cfd.csv?valueStream={vs}&{WINDOW}")
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    # 7 days x 4 stages, all in the CFD section.
    assert len(rows) == 28
    assert {r["section"] for r in rows} == {"cfdDay"}
    last = {r["stage"]: r["value"] for r in rows if r["end"] == "2025-03-10T00:00:00Z"}
    assert last[org.stage("done")] == "4"
    # 2025-03-03 is a Monday: one week.
    response = await api.client.get(f"/export/cfd.csv?valueStream={vs}&{WINDOW}&interval=week")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 4
    assert {r["section"] for r in rows} == {"cfdWeek"}


async def test_dora_as_json_and_csv(api: Api) -> None:
    org = await load_org(api)
    response = await api.client.get(f"/export/dora.json?product={org.product}")
    assert response.status_code == 200, response.text
    [row] = response.json()
    assert row["scope"] == org.product
    assert row["deployments"] == 3
    assert row["leadTimeMedianHours"] == 18
    response = await api.client.get(f"/export/dora.csv?product={org.product}")
    assert response.status_code == 200
    [line] = list(csv.DictReader(io.StringIO(response.text)))
    assert line["deployments"] == "3"
    assert line["environment"] == "production"


async def test_formula_like_cells_are_escaped(api: Api) -> None:
    # Ids and the echoed `environment` that a spreadsheet would run as formulas (OWASP
    # "CSV Injection") start with a single quote; numbers, negative ones too, stay numbers.
    org = await flow_org(api, SmallOrg(prefix="=HYPERLINK(1)+" + uuid.uuid4().hex[:6]))
    vs = org.id("vs")
    for export in ("cfd", "flow"):
        response = await api.client.get(
            f"/export/{export}.csv",
            params={"valueStream": vs, "from": "2025-03-03", "to": "2025-03-10"},
        )
        assert response.status_code == 200, response.text
        rows = list(csv.DictReader(io.StringIO(response.text)))
        stages = {r["stage"] for r in rows if r["stage"]}
        assert "'" + org.stage("done") in stages, export
        text = [cell for r in rows for cell in r.values() if not number(cell)]
        assert not any(cell.startswith(FORMULA) for cell in text), export

    dora = await load_org(api)
    for environment in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        response = await api.client.get(
            "/export/dora.csv", params={"product": dora.product, "environment": environment}
        )
        assert response.status_code == 200, response.text
        [line] = list(csv.DictReader(io.StringIO(response.text)))
        assert line["environment"] == "'" + environment
        assert line["deployments"] == "0"


FORMULA = ("=", "+", "-", "@", "\t", "\r")


def number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/export/flow.json", 400, "give ?valueStream=ID"),
        ("/export/dora.csv", 400, "give ?product=ID"),
        ("/export/flow.csv?valueStream=x&from=yesterday", 400, "from: not an ISO date"),
        ("/export/flow.csv?valueStream=x&from=2025-03-01T00:00:00", 400, "give a timezone"),
        ("/export/flow.csv?valueStream=x&from=2025-03-10&to=2025-03-01", 400, "must be before"),
        ("/export/cfd.csv?valueStream=x&interval=month", 400, "'month' is not day or week"),
        ("/export/flow.csv?valueStream=no-such-stream", 404, "no ValueStream with id"),
        ("/export/dora.json?product=no-such-product", 404, "no Product with id"),
        ("/export/cfd.json?valueStream=x", 404, "no export cfd.json"),
    ],
)
async def test_bad_parameters_and_unknown_ids(
    api: Api, path: str, status: int, message: str
) -> None:
    response = await api.client.get(path)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]
