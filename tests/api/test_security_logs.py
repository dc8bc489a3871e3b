"""Secrets never reach the log: `vsg serve` runs as a process of its own, with uvicorn's
access log, over the session's database; requests carry secrets in query strings and
headers (good ones and bad ones, some failing); then its whole output is searched.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.http.redact import RedactSecrets, redact
from graph.db.embedded import free_port
from graph.db.store import Connection

pytestmark = pytest.mark.db

JIRA_SECRET = "jira-shared-Secret-4711"
SECRETS = {
    "jira": JIRA_SECRET,
    "wrong jira": "wrong-jira-Secret-0815",
    "query token": "qs-token-Value-1234",
    "access token": "access-Token-5678",
    "api key": "api-Key-9999",
    "bearer": "vsg_" + "B" * 43,
    "basic": "dXNlcjpwYXNzLXNlY3JldA==",
    "gitlab": "gitlab-Token-2468",
}


def _serve(connection: Connection, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VSG_NEO4J_URI": connection.uri,
        "VSG_NEO4J_USER": connection.user,
        "VSG_NEO4J_PASSWORD": connection.password,
        "VSG_NEO4J_DATABASE": connection.database,
        "VSG_HOST": "127.0.0.1",
        "VSG_PORT": str(port),
        "VSG_JIRA_WEBHOOK_SECRET": JIRA_SECRET,
        "VSG_GITLAB_WEBHOOK_TOKEN": "the-real-gitlab-token",
        "NO_COLOR": "1",
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-c", "from api.cli.main import main; main()", "serve"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
        )


def _wait(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "vsg serve stopped"
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("vsg serve did not answer")


def test_no_secret_is_logged(connection: Connection, tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    server = _serve(connection, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, server)
        with httpx.Client(base_url=base, timeout=30) as client:
            issue = {"webhookEvent": "jira:issue_updated", "issue": {"key": "X-1"}}
            statuses = [
                client.post(f"/webhooks/jira?secret={SECRETS['jira']}", json=issue).status_code,
                client.post(f"/webhooks/jira?secret={SECRETS['wrong jira']}", json={}).status_code,
                client.post(
                    "/webhooks/jira", json={}, headers={"X-Vsg-Webhook-Secret": SECRETS["jira"]}
                ).status_code,
                client.post(
                    "/webhooks/gitlab",
                    content=b"{",
                    headers={"X-Gitlab-Token": SECRETS["gitlab"], "X-Gitlab-Event": "Push Hook"},
                ).status_code,
                client.get(
                    "/graphql",
                    params={"query": "{ __typename }", "token": SECRETS["query token"]},
                ).status_code,
                client.get(
                    f"/export/dora.json?product=x&access_token={SECRETS['access token']}"
                    f"&api_key={SECRETS['api key']}"
                ).status_code,
                client.post(
                    "/graphql",
                    json={"query": "{ __typename }"},
                    headers={"Authorization": f"Bearer {SECRETS['bearer']}"},
                ).status_code,
                client.get(
                    "/metrics", headers={"Authorization": f"Basic {SECRETS['basic']}"}
                ).status_code,
                # a request that fails inside: a GraphQL error is logged with its document
                client.post(
                    "/graphql",
                    json={"query": '{ node(id: "' + SECRETS["bearer"] + '") { id } }'},
                ).status_code,
            ]
            assert 200 in statuses and 401 in statuses, statuses
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "POST /webhooks/jira?secret=[redacted]" in text, text[-3000:]  # the access log ran
    leaked = {name: secret for name, secret in SECRETS.items() if secret in text}
    assert leaked == {}, text[-5000:]
    print(json.dumps({"log lines": len(text.splitlines()), "secrets": len(SECRETS)}))


def test_the_filter_keeps_uvicorns_access_arguments_usable() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/graphql?token=abc&x=1", "1.1", 200), None,
    )  # fmt: skip
    RedactSecrets().filter(record)
    assert record.args == ("127.0.0.1:5", "GET", "/graphql?token=[redacted]&x=1", "1.1", 200)
    assert record.getMessage() == '127.0.0.1:5 - "GET /graphql?token=[redacted]&x=1 HTTP/1.1" 200'


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("/webhooks/jira?secret=s3cr3t", "/webhooks/jira?secret=[redacted]"),
        ("/x?a=1&Token=t&b=2", "/x?a=1&Token=[redacted]&b=2"),
        ("/x?client_secret=c&password=p", "/x?client_secret=[redacted]&password=[redacted]"),
        ("Authorization: Bearer abc.def", "Authorization: [redacted]"),
        ("{'authorization': 'Basic dXM6cA=='}", "{'authorization': '[redacted]'}"),
        ("X-Gitlab-Token: glt", "X-Gitlab-Token: [redacted]"),
        ("token vsg_" + "a" * 43 + " used", "token vsg_[redacted] used"),
        ("GET /graphql?query=%7B%7D HTTP/1.1", "GET /graphql?query=%7B%7D HTTP/1.1"),
    ],
)
def test_what_is_redacted(text: str, shown: str) -> None:
    assert redact(text) == shown
