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


VISIT_COLUMNS = parse(
    "test/visit_columns",
    "// cardinality: one\n"
    "MATCH (w:WorkItem {id: $id}) "
    "RETURN w.visitStages AS stages, w.visitEntries AS entries, w.visitExits AS exits",
)
FORGET_VISIT_COLUMNS = parse(
    "test/forget_visit_columns",
    "// cardinality: write\n"
    "MATCH (w:WorkItem) REMOVE w.visitStages, w.visitEntries, w.visitExits "
    "WITH count(w) AS items MATCH (m:Migration {id: '003_work_item_visit_columns'}) "
    "DETACH DELETE m",
)


def _ms(at: str) -> int:
    return int(datetime.fromisoformat(at).timestamp() * 1000)


async def test_items_written_before_visit_columns_get_them_from_their_visits(
    store: GraphStore,
) -> None:
    org = SmallOrg()
    item, idle = org.id("story1"), org.id("story2")
    await prepare(store)  # every migration recorded, as on a database in use
    # Out of order, in two batches: the later move first, so the second re-derives.
    await load(store, [*org.records(), state(item, "2025-01-03T09:00:00.250Z", state="In Review")])
    await load(store, [state(item, "2025-01-02T09:00:00Z", state="In Progress")])
    written = await store.read(VISIT_COLUMNS, id=item)
    assert written == [
        {
            "stages": [org.stage("dev"), org.stage("review")],
            "entries": [_ms("2025-01-02T09:00:00+00:00"), _ms("2025-01-03T09:00:00.250+00:00")],
            "exits": [_ms("2025-01-03T09:00:00.250+00:00"), -1],
        }
    ]
    await store.write(FORGET_VISIT_COLUMNS)
    assert await store.read(VISIT_COLUMNS, id=item) == [
        {"stages": None, "entries": None, "exits": None}
    ]

    assert await prepare(store) == ["003_work_item_visit_columns"]
    # What ingest wrote, read back off the IN_STAGE visits; none for an item without.
    assert await store.read(VISIT_COLUMNS, id=item) == written
    assert await store.read(VISIT_COLUMNS, id=idle) == [{"stages": [], "entries": [], "exits": []}]
    assert await prepare(store) == []


STAGE_MONTH = parse(
    "test/stage_month",
    "// cardinality: one\nMATCH (w:WorkItem {id: $id}) RETURN w.stageMonth AS key",
)
FORGET_STAGE_MONTH = parse(
    "test/forget_stage_month",
    "// cardinality: write\n"
    "MATCH (w:WorkItem) REMOVE w.stageMonth "
    "WITH count(w) AS items MATCH (m:Migration {id: '004_work_item_stage_month'}) "
    "DETACH DELETE m",
)


async def test_items_written_before_stage_months_get_them_from_where_they_are(
    store: GraphStore,
) -> None:
    org = SmallOrg()
    item, idle = org.id("story1"), org.id("story2")
    await prepare(store)
    # The later move first, then an earlier one in another month: re-derived, the key
    # follows the later move (in January, UTC, though its offset puts it in February).
    await load(store, [*org.records(), state(item, "2025-02-01T00:30:00+01:00", state="In Review")])
    await load(store, [state(item, "2024-12-20T09:00:00Z", state="In Progress")])
    assert await store.read(STAGE_MONTH, id=item) == [{"key": f"{org.stage('review')}@2025-01"}]

    await store.write(FORGET_STAGE_MONTH)
    assert await store.read(STAGE_MONTH, id=item) == [{"key": None}]
    assert await prepare(store) == ["004_work_item_stage_month"]
    # What ingest wrote, from currentStage and lastMovedAt; none for an item in no stage.
    assert await store.read(STAGE_MONTH, id=item) == [{"key": f"{org.stage('review')}@2025-01"}]
    assert await store.read(STAGE_MONTH, id=idle) == [{"key": None}]
    assert await prepare(store) == []
