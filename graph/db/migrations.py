"""Data migrations: changes a database written by an earlier vsgraph needs once.

Schema statements (cypher/schema/) are idempotent and run at every start; a data
migration rewrites stored data, so it runs once per database, after the schema, and is
recorded as an internal `(:Migration {id, appliedAt})` node. Each must be idempotent
all the same: two API replicas starting together may both run it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from graph.db.queries import cypher, snake
from graph.db.store import GraphStore, collected
from graph.ingest.commit_flags import set_commit_flags
from graph.ingest.families import set_family_kinds
from graph.ingest.history import Fact, FactKind
from graph.ingest.plan import Plan, plan_histories
from graph.ingest.service import StoreLookup, write_plan
from graph.ingest.title_words import add_title_words, words
from graph.model import Label
from graph.read.entities import TITLE_SCANS

LIST_APPLIED = cypher("migrations/list_applied")
RECORD_APPLIED = cypher("migrations/record_applied")
ITEMS_WITHOUT_HISTORY = cypher("migrations/find_items_without_history")
SET_VISIT_COLUMNS = cypher("migrations/set_visit_columns")
LIST_STAGES = cypher("migrations/list_stages")
SET_STAGE_MONTH = cypher("migrations/set_stage_month")
FAMILY_ITEMS = cypher("migrations/find_family_items")
IDS_OF = {
    label: cypher(f"migrations/ids_of_{snake(label)}")
    for label in (Label.PULL_REQUEST, Label.WORK_ITEM)
}
TITLES_OF = {scan: cypher(f"migrations/titles_of_{snake(scan)}") for scan in TITLE_SCANS}

#: Work items re-read per transaction by a migration.
CHUNK = 5000
#: Work items given visit columns per transaction (a lighter write: three lists each).
COLUMNS_CHUNK = 10_000
#: Titles read per page by the title vocabulary's migration.
TITLES_CHUNK = 100_000


async def derive_histories(store: GraphStore) -> None:
    """Give every work item with stage visits but no state log (written before ingest
    kept the facts) a log read off its visits: an entry into each visit's stage, and an
    exit where a visit was closed; then its visits and whereabouts derived from that log
    as ingest derives them (docs/ingest.md, "State history")."""
    lookup = StoreLookup(store)
    stage_map = await lookup.stage_map()
    while ids := [r["id"] for r in await store.read(ITEMS_WITHOUT_HISTORY, first=CHUNK)]:
        stored = await lookup.histories(ids)
        facts: dict[str, list[Fact]] = {}
        for item, history in stored.items():
            facts[item] = [Fact(v.entered_at, FactKind.STAGE, v.stage) for v in history.visits]
            facts[item] += [
                Fact(v.exited_at, FactKind.EXIT, v.stage) for v in history.visits if v.exited_at
            ]
        plan = Plan()
        await plan_histories(plan, facts, set(), stage_map, {}, lookup)
        await write_plan(store, plan, batch_size=CHUNK)


async def set_visit_columns(store: GraphStore) -> None:
    """Give every work item written before ingest kept them its visit columns
    (graph/model.py, VISIT_STAGES), from its stored visits."""
    while (await store.write(SET_VISIT_COLUMNS, first=COLUMNS_CHUNK))[0]["items"]:
        pass


async def set_stage_months(store: GraphStore) -> None:
    """Give every work item in a stage, written before ingest kept it, its stageMonth
    (graph/model.py, STAGE_MONTH), from its currentStage and lastMovedAt."""
    for stage in collected(await store.read(LIST_STAGES), "stages"):
        while (await store.write(SET_STAGE_MONTH, stage=stage, first=COLUMNS_CHUNK))[0]["items"]:
            pass


async def derive_family_kinds(store: GraphStore) -> None:
    """Give every work item with a parent or a child, written before ingest kept them,
    its family kinds (graph/ingest/families.py), as ingest derives them."""
    ids = collected(await store.read(FAMILY_ITEMS), "ids")
    await set_family_kinds(store, sorted(ids), batch_size=COLUMNS_CHUNK)


async def add_title_vocabulary(store: GraphStore) -> None:
    """Give the title vocabulary (graph/ingest/title_words.py) the words of every stored
    title, written before ingest kept it, a title scan at a time."""
    for scan, query in TITLES_OF.items():
        skip = 0
        while titles := collected(await store.read(query, skip=skip, first=TITLES_CHUNK), "titles"):
            found = sorted({w for title in titles if isinstance(title, str) for w in words(title)})
            entries = [[f"{scan}:{word}", scan.value, word] for word in found]
            await add_title_words(store, entries, batch_size=COLUMNS_CHUNK)
            skip += len(titles)


async def derive_commit_flags(store: GraphStore) -> None:
    """Give every commit with a pull request or a work item, written before ingest kept
    its flags, its `branchCommit` and `implementsWork` (graph/ingest/commit_flags.py) as
    ingest derives them: the commits of each pull request, then those implementing each
    work item, a page of them at a time."""
    for label, query in IDS_OF.items():
        skip = 0
        while ids := collected(await store.read(query, skip=skip, first=COLUMNS_CHUNK), "ids"):
            if label is Label.PULL_REQUEST:
                await set_commit_flags(store, pull_requests=ids, batch_size=COLUMNS_CHUNK)
            else:
                await set_commit_flags(store, items=ids, batch_size=COLUMNS_CHUNK)
            skip += len(ids)


#: Every data migration, in the order they run; never renamed, never removed.
MIGRATIONS: tuple[tuple[str, Callable[[GraphStore], Awaitable[None]]], ...] = (
    # 001 once derived currentStage/lastMovedAt from the visits; 002 derives them with
    # the state log, so 001 now does 002's work and 002 finds nothing left to do.
    ("001_work_item_whereabouts", derive_histories),
    ("002_work_item_state_log", derive_histories),
    ("003_work_item_visit_columns", set_visit_columns),
    ("004_work_item_stage_month", set_stage_months),
    ("005_work_item_family_kinds", derive_family_kinds),
    ("006_title_vocabulary", add_title_vocabulary),
    ("007_commit_flags", derive_commit_flags),
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
    is still closed to requests (graph/db/connector.py opens it afterwards)."""
    with store.preparing():
        await store.apply_schema()
        return await migrate(store)
