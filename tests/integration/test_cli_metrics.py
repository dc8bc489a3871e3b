"""`vsg metrics`, run as a user would, on the literal org of test_flow_metrics."""

from __future__ import annotations

import csv
import io
import json

import pytest

from graph.db.store import Connection, GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.factories import SmallOrg
from tests.integration.test_cli import vsg
from tests.integration.test_flow_metrics import org_records

pytestmark = pytest.mark.db

WINDOW = ("--from", "2025-03-03", "--to", "2025-03-10T01:00:00+01:00")


async def test_metrics_as_json_csv_and_table(connection: Connection, store: GraphStore) -> None:
    org = SmallOrg()
    await ingest(store, parse_objects(org_records(org)))
    vs = org.id("vs")

    result = vsg(connection, "metrics", "--value-stream", vs, *WINDOW, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # the figures test_flow_metrics works out: 3 done, median 1.5 d, load 2.
    assert report["flow"]["velocity"] == 3
    assert report["flow"]["flowTime"]["median"] == 1.5
    assert report["flow"]["load"] == 2
    assert report["flow"]["window"] == {
        "start": "2025-03-03T00:00:00Z",
        "end": "2025-03-10T00:00:00Z",
    }
    assert len(report["cfd"]["points"]) == 7  # days, the default outside a table
    assert [a["id"] for a in report["aging"]["items"]] == [org.id("story2"), org.id("story4")]

    result = vsg(connection, "metrics", "--team", org.id("team"), *WINDOW, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    flow = {r["metric"]: r["value"] for r in rows if r["section"] == "flow"}
    # the team owns all but story5: story1 and defect1 are done.
    assert flow["flowVelocity"] == "2"
    wip = {r["stage"]: r["value"] for r in rows if r["section"] == "stage" and r["metric"] == "wip"}
    assert wip[org.stage("done")] == "3"

    result = vsg(connection, "metrics", "--product", org.product, *WINDOW, "--kinds", "epic")
    assert result.returncode == 0, result.stderr
    assert "Flow Velocity (items delivered)" in result.stdout
    assert "Aging WIP (0 items" in result.stdout


def test_unknown_ids_and_bad_windows_are_clear_errors(
    connection: Connection, store: GraphStore
) -> None:
    result = vsg(connection, "metrics", "--value-stream", "no-such-stream")
    assert result.returncode == 1
    assert "No ValueStream with id 'no-such-stream'" in result.stderr
    result = vsg(connection, "metrics", "--value-stream", "x", "--from", "2025-03-01T00:00:00")
    assert result.returncode == 2
    assert "give a timezone" in result.stderr
    result = vsg(connection, "metrics", "--value-stream", "x", "--from", "2025-03-10",
                 "--to", "2025-03-01")  # fmt: skip
    assert result.returncode == 2
    assert "must be before to" in result.stderr
