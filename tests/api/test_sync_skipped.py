"""GraphQL `syncSkipped`: the items live syncs left out as invalid, as their cursors keep
them (the sync walks that skip them are tested in tests/integration/test_sync.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.sync.cursor import Cursor, save_cursor
from tests.api.conftest import Api

pytestmark = pytest.mark.db

QUERY = "{ syncSkipped { walk source kind id position field reason } }"


async def test_skipped_sync_items_are_listed_by_walk(api: Api) -> None:
    assert (await api.graphql(QUERY))["syncSkipped"] == []
    skipped = {
        "source": "gitlab.com",
        "kind": "commit",
        "id": "ed899a2f",
        "position": "commits[1]",
        "field": "commits[1].authored_date",
        "reason": "not an ISO 8601 timestamp with an offset: 'yesterday'",
    }
    cursor = Cursor("gitlab:acme/web:commits", cursor="2025-03-01T00:00:00Z", skipped=(skipped,))
    await save_cursor(api.store, cursor, source="gitlab.com", now=datetime.now(UTC))
    await save_cursor(api.store, Cursor("jira:PAY:issues"), source="jira", now=datetime.now(UTC))
    assert (await api.graphql(QUERY))["syncSkipped"] == [
        {"walk": "gitlab:acme/web:commits", **skipped}
    ]
