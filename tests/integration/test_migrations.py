"""Data migrations (graph/db/migrations.py) on the real database: each runs once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.db.migrations import MIGRATIONS, prepare
from graph.db.queries import parse
from graph.db.store import GraphStore
from tests.factories import SmallOrg, state
from tests.integration.test_ingest import WHEREABOUTS, load

pytestmark = pytest.mark.db

FORGET = parse(
    "test/forget_whereabouts",
    "// cardinality: write\n"
    "MATCH (w:WorkItem) REMOVE w.currentStage, w.lastMovedAt, w.stateLog "
    "WITH count(w) AS items MATCH (m:Migration) DETACH DELETE m",
)


async def test_items_written_before_whereabouts_were_derived_get_them_once(
    store: GraphStore,
) -> None:
    org = SmallOrg()
    item = org.id("story1")
    await load(
        store,
        [
            *org.records(),
            state(item, "2025-01-02T09:00:00Z", state="In Progress"),
            state(item, "2025-01-03T09:00:00Z", state="In Review"),
        ],
    )
    # As an earlier vsgraph left it: visits, but no derived properties, no migration run.
    await store.write(FORGET)
    assert await store.read(WHEREABOUTS, id=item) == [{"stage": None, "moved": None}]

    assert await prepare(store) == [name for name, _ in MIGRATIONS]
    moved = datetime(2025, 1, 3, 9, tzinfo=UTC)
    assert await store.read(WHEREABOUTS, id=item) == [
        {"stage": org.stage("review"), "moved": moved}
    ]
    # Recorded: the next start runs nothing.
    assert await prepare(store) == []
