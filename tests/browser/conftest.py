"""Browser tests: the real app under uvicorn on a free loopback port, over the session's
database loaded with a small demo organisation, driven by tools/browser/drive.mjs."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

from api.app import create_app
from graph import demo
from graph.db.embedded import free_port
from graph.db.queries import cypher
from graph.db.store import Connection, GraphStore
from graph.ingest.service import ingest
from graph.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DRIVER = REPO / "tools" / "browser" / "drive.mjs"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
DELETE_ALL = cypher("admin/delete_all")
UNTIL = datetime(2025, 6, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Site:
    """The running app and the demo truth it serves."""

    base: str
    truth: demo.DemoTruth

    def drive(self, scenario: str, **args: Any) -> dict[str, Any]:
        """Run one scenario of the Node driver and return what it saw."""
        spec = {"base": self.base, "artifacts": str(ARTIFACTS), "scenario": scenario, "args": args}
        done = subprocess.run(
            ["node", str(DRIVER), json.dumps(spec)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.stdout, f"driver printed nothing: {done.stderr}"
        found: dict[str, Any] = json.loads(done.stdout)
        assert "error" not in found, found["error"]
        return found


def _require_tools() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append("Debian's chromium (/usr/bin/chromium)")
    if not (DRIVER.parent / "node_modules" / "playwright-core").exists():
        missing.append("tools/browser/node_modules")
    if shutil.which("node") is None:
        missing.append("node")
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run scripts/bootstrap.sh")


@pytest.fixture(scope="module")
async def demo_truth(session_store: GraphStore) -> demo.DemoTruth:
    await session_store.write(DELETE_ALL)
    records, truth = demo.generate(demo.DemoConfig(work_items=1500, seed=7, until=UNTIL))
    await ingest(session_store, records)
    return truth


@contextmanager
def _served(app: Starlette) -> Iterator[str]:
    """Serve `app` under uvicorn on a free loopback port; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def site(connection: Connection, demo_truth: demo.DemoTruth) -> Iterator[Site]:
    _require_tools()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with _served(create_app(Settings(), connection)) as base:
        yield Site(base, demo_truth)


@pytest.fixture(scope="module")
def secured_site(connection: Connection, demo_truth: demo.DemoTruth) -> Iterator[Site]:
    """The same app, requiring API tokens (VSG_AUTH=required)."""
    _require_tools()
    with _served(create_app(Settings(auth="required"), connection)) as base:
        yield Site(base, demo_truth)
