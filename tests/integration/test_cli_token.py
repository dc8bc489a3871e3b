"""`vsg token create|list|revoke`, run as a user would, against the session's database."""

from __future__ import annotations

import pytest

from graph.db.store import Connection, GraphStore
from graph.tokens import Role, find_token
from tests.integration.test_cli import vsg

pytestmark = pytest.mark.db


async def test_create_list_and_revoke_a_token(connection: Connection, store: GraphStore) -> None:
    created = vsg(connection, "token", "create", "--name", "grafana", "--role", "viewer")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip().splitlines()[-1]  # the secret is the last line, alone
    assert secret.startswith("vsg_")
    token = await find_token(store, secret)
    assert token is not None and token.role is Role.VIEWER and token.name == "grafana"
    assert token.id in created.stdout

    listed = vsg(connection, "token", "list")
    assert listed.returncode == 0, listed.stderr
    assert token.id in listed.stdout and "grafana" in listed.stdout and "valid" in listed.stdout
    assert secret not in listed.stdout

    revoked = vsg(connection, "token", "revoke", token.id)
    assert revoked.returncode == 0, revoked.stderr
    after = await find_token(store, secret)
    assert after is not None and not after.active
    assert "revoked" in vsg(connection, "token", "list").stdout


def test_unknown_token_and_role_are_clear_errors(connection: Connection) -> None:
    missing = vsg(connection, "token", "revoke", "tok_000000000000")
    assert missing.returncode == 1
    assert "there is no token 'tok_000000000000'" in missing.stderr
    bad_role = vsg(connection, "token", "create", "--name", "x", "--role", "owner")
    assert bad_role.returncode == 2
    assert "invalid choice: 'owner'" in bad_role.stderr
