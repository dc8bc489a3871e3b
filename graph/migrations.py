"""Data migrations: changes a database written by an earlier vsgraph needs once.

Schema statements (cypher/schema/) are idempotent and run at every start; a data
migration rewrites stored data, so it runs once per database, after the schema, and is
recorded as an internal `(:Migration {id, appliedAt})` node. Each must be idempotent
all the same: two API replicas starting together may both run it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from graph.ingest.service import NORMALISE_VISITS
from graph.queries import cypher
from graph.store import GraphStore

LIST_APPLIED = cypher("migrations/list_applied")
RECORD_APPLIED = cypher("migrations/record_applied")
ITEMS_WITHOUT_WHEREABOUTS = cypher("migrations/find_items_without_whereabouts")

#: Work items re-read per transaction by a migration.
CHUNK = 5000


async def derive_whereabouts(store: GraphStore) -> None:
    """Give every work item with stage visits its `currentStage` and `lastMovedAt`,
    which the flow metrics find a scope's items by (ingest keeps them from then on)."""
    while ids := [r["id"] for r in await store.read(ITEMS_WITHOUT_WHEREABOUTS, first=CHUNK)]:
        await store.write(NORMALISE_VISITS, items=ids)


#: Every data migration, in the order they run; never renamed, never removed.
MIGRATIONS: tuple[tuple[str, Callable[[GraphStore], Awaitable[None]]], ...] = (
    ("001_work_item_whereabouts", derive_whereabouts),
)


async def migrate(store: GraphStore) -> list[str]:
    """Run the data migrations this database has not had yet; return their ids."""
    applied = {row["id"] for row in await store.read(LIST_APPLIED)}
    ran = []
    for name, step in MIGRATIONS:
        if name in applied:
            continue
        await step(store)
        await store.write(RECORD_APPLIED, id=name, at=datetime.now(UTC))
        ran.append(name)
    return ran


async def prepare(store: GraphStore) -> list[str]:
    """Make the database ready for this vsgraph: apply the schema, then run the data
    migrations it has not had yet (their ids are returned). Runs while the store's gate
    is still closed to requests (graph/connector.py opens it afterwards)."""
    with store.preparing():
        await store.apply_schema()
        return await migrate(store)
