"""`vsg` commands at their edges: bad ids, ids as the pages write them, missing folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.db.store import Connection, GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from tests.factories import SmallOrg
from tests.integration.test_cli import vsg
from tests.integration.test_flow_metrics import org_records

pytestmark = pytest.mark.db


@pytest.fixture
async def org(store: GraphStore) -> SmallOrg:
    org = SmallOrg()
    await ingest(store, parse_objects(org_records(org)))
    return org


async def test_every_command_takes_label_key_ids(
    connection: Connection, org: SmallOrg, tmp_path: Path
) -> None:
    vs, product = f"ValueStream:{org.id('vs')}", f"Product:{org.product}"
    window = ("--from", "2025-03-03", "--to", "2025-03-10")
    result = vsg(connection, "metrics", "--value-stream", vs, *window, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["flow"]["velocity"] == 3
    result = vsg(connection, "dora", "--product", product, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["scope"] == org.product
    result = vsg(connection, "constraints", "--value-stream", vs, *window, "--format", "json")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "vs.json"
    result = vsg(connection, "export", "--value-stream", vs, str(out))
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stderr and out.exists()

    result = vsg(connection, "metrics", "--value-stream", product)
    assert result.returncode == 2
    assert "is a Product id; a ValueStream id is expected here" in result.stderr


async def test_dora_names_an_unknown_product_and_fails(
    connection: Connection, org: SmallOrg
) -> None:
    result = vsg(connection, "dora", "--product", "nope", "--product", org.product)
    assert result.returncode == 1
    assert "No Product with id 'nope'" in result.stderr
    assert org.product in result.stderr  # the known ids
    assert result.stdout == ""
    result = vsg(connection, "dora", "--repository", "no-such-repo")
    assert result.returncode == 1
    assert "No Repository with id 'no-such-repo'" in result.stderr


async def test_export_to_a_missing_folder_is_a_clear_error(
    connection: Connection, org: SmallOrg, tmp_path: Path
) -> None:
    out = tmp_path / "no" / "such" / "folder" / "vs.graphml"
    result = vsg(connection, "export", "--value-stream", org.id("vs"), str(out))
    assert result.returncode == 1
    assert "No such folder" in result.stderr
    assert "Traceback" not in result.stderr


async def test_an_unknown_start_is_one_line_and_debug_shows_the_traceback(
    connection: Connection, org: SmallOrg, tmp_path: Path
) -> None:
    out = str(tmp_path / "x.json")
    result = vsg(connection, "export", "--product", "nope", out)
    assert result.returncode == 1
    assert "no Product with id 'nope'" in result.stderr
    assert "Traceback" not in result.stderr
    result = vsg(connection, "--debug", "export", "--product", "nope", out)
    assert result.returncode == 1
    assert "Traceback" in result.stderr
