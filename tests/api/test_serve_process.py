"""`vsg serve` as a process of its own, over the session's database: what its log shows
for a caller's mistakes, and how it stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from graph.db.embedded import free_port
from graph.db.store import Connection, GraphStore
from graph.tokens import Role, create_token
from tests.api.test_security_logs import _wait

pytestmark = pytest.mark.db


@contextmanager
def serving(
    connection: Connection, log: Path, **env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`vsg serve` on a free port, its output in `log`; stopped (SIGTERM) at the end."""
    port = free_port()
    environ = {
        **os.environ,
        "VSG_NEO4J_URI": connection.uri,
        "VSG_NEO4J_USER": connection.user,
        "VSG_NEO4J_PASSWORD": connection.password,
        "VSG_NEO4J_DATABASE": connection.database,
        "VSG_HOST": "127.0.0.1",
        "VSG_PORT": str(port),
        "NO_COLOR": "1",
        **env,
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-c", "from api.cli.main import main; main()", "serve"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environ,
            cwd=Path(__file__).resolve().parents[2],
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, server)
        yield base, server
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


#: A caller's mistakes, each answered with a GraphQL error: (document, its message):
#: a permission denial, a validation error, a bad argument, a limit.
MISTAKES = [
    ("mutation { ingest(records: []) { __typename } }", "needs the editor role"),
    ("{ nosuchfield }", "Cannot query field 'nosuchfield'"),
    ('{ products(first: 1, after: "garbage") { edges { node { key } } } }', "cursor"),
    ("{ products(first: 100000) { edges { node { key } } } }", "asks for more than"),
]


async def test_expected_errors_are_logged_in_one_line(
    connection: Connection, store: GraphStore, tmp_path: Path
) -> None:
    viewer = await create_token(store, "viewer", Role.VIEWER)
    log = tmp_path / "serve.log"
    with serving(connection, log, VSG_AUTH="required") as (base, _):
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            headers = {"Authorization": f"Bearer {viewer.secret}"}
            for document, message in MISTAKES:
                response = await client.post("/graphql", json={"query": document}, headers=headers)
                assert response.status_code == 200, response.text
                errors = response.json()["errors"]
                assert message in errors[0]["message"], errors
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text, text[-5000:]
    assert "GraphQL request:" not in text, text[-5000:]  # no document block under it
    for _, message in MISTAKES:
        lines = [line for line in text.splitlines() if message in line]
        assert len(lines) == 1, (message, text[-5000:])
    assert (
        "needs the editor role (or admin); the token is a viewer's (at 1:12, path ingest) "
        "(AccessDenied)" in text
    ), text[-5000:]


def test_sigterm_drains_within_the_bound_then_exits(connection: Connection, tmp_path: Path) -> None:
    # A request that never ends: its headers promise a body the client never sends.
    bound = 2.0
    log = tmp_path / "serve.log"
    with serving(connection, log, VSG_SHUTDOWN_TIMEOUT_SECONDS=str(bound)) as (base, server):
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as held:
            held.sendall(
                b"POST /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n{"
            )
            time.sleep(0.5)  # the route is waiting for the rest of the body
            started = time.monotonic()
            server.send_signal(signal.SIGTERM)
            code = server.wait(timeout=60)
            took = time.monotonic() - started
    text = log.read_text(encoding="utf-8", errors="replace")
    # vsg serve catches the signal uvicorn raises again, closes the database, exits 0.
    assert code == 0, (code, text[-3000:])
    assert "timeout graceful shutdown exceeded" in text, text[-3000:]
    # The bound, then closing the app and the database connection: seconds, not forever.
    assert bound <= took < bound + 10, (took, text[-3000:])
    assert "Waiting for connections to close" in text, text[-3000:]
    print(f"exited {took:.1f} s after SIGTERM with a request held (bound {bound} s)")
