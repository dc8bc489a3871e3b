"""The `vsg` command, run as a user would, against the session's database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.db.store import Connection, GraphStore
from tests.factories import SmallOrg, ndjson, node

pytestmark = pytest.mark.db


def vsg(
    connection: Connection, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "VSG_NEO4J_URI": connection.uri,
        "VSG_NEO4J_USER": connection.user,
        "VSG_NEO4J_PASSWORD": connection.password,
        "VSG_NEO4J_DATABASE": connection.database,
        "COLUMNS": "120",
    }
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_help_lists_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("serve", "demo", "import", "db"):
        assert command in result.stdout


async def test_import_writes_a_file_and_reports_counts(
    connection: Connection, store: GraphStore, tmp_path: Path
) -> None:
    path = tmp_path / "org.ndjson"
    path.write_text(ndjson(SmallOrg().records()))
    result = vsg(connection, "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "wrote 10 nodes, 14 relationships" in result.stderr


async def test_import_of_a_bad_file_writes_nothing_and_names_lines(
    connection: Connection, store: GraphStore
) -> None:
    records = [*SmallOrg().records(), node("Team", "t-x", name=7)]
    result = vsg(connection, "import", "-", stdin=ndjson(records))
    assert result.returncode == 1
    assert "Nothing was written" in result.stderr
    assert "line 25: properties.name: expected a string, got int" in result.stderr
    assert "--skip-invalid" in result.stderr


def test_a_missing_file_is_a_clear_error(connection: Connection) -> None:
    result = vsg(connection, "import", "/no/such/file.ndjson")
    assert result.returncode == 2
    assert "No such file" in result.stderr
