"""Ingest: validate a whole batch, then write it in idempotent transactions.

Nothing is written unless the whole batch is valid (or `skip_invalid` drops the invalid
records, and whatever depended on them, first). Writes are `UNWIND ...` statements per
label and relationship type: `MERGE` for what the graph already holds, `CREATE` for what
validation found missing (and for links and visits touching it). A batch of at most
`batch_size` rows is written in one transaction, all or nothing; a larger one in chunks
of `batch_size` rows, each chunk one transaction. A batch that loses a write race with
another process is validated again and written again, whatever its size. Importing the
same records twice changes nothing (the second time everything exists and is merged), and
a retried import after an interruption completes it (docs/ingest.md, "What an interruption leaves").
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.db.queries import Query, cypher, snake
from graph.db.store import GraphStore, WriteConflict, lost_write_race
from graph.errors import InvalidInput, Problem
from graph.ingest.causes import attribute_incidents
from graph.ingest.commit_flags import derive_commit_flags
from graph.ingest.deployment_products import link_deployment_products
from graph.ingest.families import derive_family_kinds
from graph.ingest.history import Visit
from graph.ingest.pending import ref_key
from graph.ingest.plan import Existing, Lookup, Plan, StoredHistory, VisitChanges, build_plan
from graph.ingest.records import NodeRecord, Record, Ref, RelationshipRecord, parse_objects
from graph.ingest.shipped import derive_shipped
from graph.ingest.stage_map import StageInfo, StageMap
from graph.ingest.title_words import add_title_words, title_words
from graph.metrics.dora import PRODUCTION_PATTERN, production_pattern_of
from graph.model import RELATIONSHIPS, Label, RelSpec, WorkItemKind

# Bound at import, so a missing file fails at start-up rather than mid-import.
UPSERT: dict[Label, Query] = {
    label: cypher(f"ingest/nodes/upsert_{snake(label)}")
    for label in Label
    if label is not Label.WORK_ITEM
}
CREATE_WORK_ITEMS = {kind: cypher(f"ingest/nodes/create_{snake(kind)}") for kind in WorkItemKind}
# Nodes, relationships and visits the plan knows to be new are created outright: the
# embedded database CREATEs several times faster than it MERGEs.
INSERT: dict[Label | WorkItemKind, Query] = {
    **{label: cypher(f"ingest/new_nodes/{snake(label)}") for label in UPSERT},
    **{kind: cypher(f"ingest/new_nodes/{snake(kind)}") for kind in WorkItemKind},
}
SET_WORK_ITEM_PROPERTIES = cypher("ingest/nodes/set_work_item_properties")
LINK = {
    spec: cypher(
        f"ingest/relationships/{spec.type.lower()}__{snake(spec.start)}__{snake(spec.end)}"
    )
    for spec in RELATIONSHIPS
}
EXISTING_ANY = cypher("ingest/existing/any")
STAGES = cypher("ingest/stages")
HISTORIES = cypher("ingest/histories")
PRODUCT_ITEMS = cypher("ingest/product_items")
CREATE_VISITS = cypher("ingest/visits/create")
DELETE_VISITS = cypher("ingest/visits/delete")
RECLOSE_VISITS = cypher("ingest/visits/reclose")
SET_HISTORY = cypher("ingest/visits/set_history")
KEEP_PENDING = cypher("ingest/pending/keep")
FIND_PENDING = cypher("ingest/pending/find")
ANY_PENDING = cypher("ingest/pending/any")
FORGET_PENDING = cypher("ingest/pending/forget")
INSERT_LINK = {
    spec: cypher(
        f"ingest/new_relationships/{spec.type.lower()}__{snake(spec.start)}__{snake(spec.end)}"
    )
    for spec in RELATIONSHIPS
}

#: Called as progress(records_written, records_total) after each transaction.
Progress = Callable[[int, int], None]

# How many ids one existence check sends; keeps parameter maps a sensible size.
_LOOKUP_CHUNK = 20_000
# How often a batch is planned and written again after losing a race to create a node
# with another process (each plan sees more of the winners' nodes). This is the one
# recovery from write races: the store only classifies the error.
REPLAN_ATTEMPTS = 6


class StoreLookup(Lookup):
    """Answers validation's questions about the graph with batched queries."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    async def _ids(self, query: Query, ids: list[str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            rows += await self.store.read(query, ids=ids[start : start + _LOOKUP_CHUNK])
        return rows

    async def existing(self, label: Label, ids: list[str]) -> set[str]:
        return set((await self.existing_any({label: ids})).ids[label])

    async def existing_any(self, wanted: Mapping[Label, Iterable[str]]) -> Existing:
        ids: dict[Label, set[str]] = {label: set() for label in Label}
        kinds: dict[str, set[str]] = {}
        asked = [(label, id) for label, some in wanted.items() for id in sorted(some)]
        for start in range(0, len(asked), _LOOKUP_CHUNK):
            chunk: dict[str, list[str]] = {}
            for label, id in asked[start : start + _LOOKUP_CHUNK]:
                chunk.setdefault(str(label), []).append(id)
            [row] = await self.store.read(EXISTING_ANY, ids=chunk)
            for name, values in row["found"].items():
                if name == Label.WORK_ITEM:
                    for id, labels in values:
                        ids[Label.WORK_ITEM].add(id)
                        kinds[id] = set(labels)
                else:
                    ids[Label(name)].update(values)
        return Existing(ids, kinds)

    async def stage_map(self) -> StageMap:
        [row] = await self.store.read(STAGES)
        stages = {
            id: StageInfo(id, name or id, order, tuple(states), stream)
            for id, name, order, states, stream in row["stages"]
        }
        return StageMap(stages, dict(row["streams"]))

    async def histories(self, ids: list[str]) -> dict[str, StoredHistory]:
        histories = {}
        for row in await self._ids(HISTORIES, ids):
            visits = sorted(
                (
                    Visit(row["id"], v["stage"], v["enteredAt"], v["exitedAt"])
                    for v in row["visits"]
                ),
                key=lambda v: (v.entered_at, v.stage),
            )
            histories[row["id"]] = StoredHistory(tuple(row["log"]), tuple(visits), row["product"])
        return histories

    async def product_items(self, products: list[str]) -> list[str]:
        return [row["id"] for row in await self.store.read(PRODUCT_ITEMS, products=products)]


@dataclass
class IngestReport:
    """What an ingest did: records read, what was written, what was skipped and why."""

    records: int = 0
    nodes: int = 0
    relationships: int = 0
    visits: int = 0
    skipped: list[Problem] = field(default_factory=list)
    #: Records kept waiting for a node the graph does not hold yet (docs/ingest.md).
    pending: int = 0
    #: Records that had waited and were written now that their node arrived.
    completed: int = 0
    #: State changes whose tool state or stage no stage maps yet (kept, not visits).
    unmapped: int = 0
    round_trips: int = 0

    def add(self, other: IngestReport) -> None:
        """Count `other`'s writes in this report too."""
        self.nodes += other.nodes
        self.relationships += other.relationships
        self.visits += other.visits
        self.pending += other.pending
        self.completed += other.completed
        self.unmapped += other.unmapped

    @property
    def written(self) -> int:
        """Nodes, relationships and stage visits written."""
        return self.nodes + self.relationships + self.visits


#: The most text (characters of string properties) one write statement carries. Each
#: statement is one database message, and the embedded database refuses messages over
#: 16 MiB without an answer; a text of up to 4 UTF-8 bytes a character, plus the rows'
#: ids and numbers, stays under that at this bound (a value holds at most
#: `records.MAX_TEXT` characters, so one row always fits).
MAX_STATEMENT_TEXT = 3_000_000


def _text_size(rows: list[dict[str, Any]]) -> int:
    """Characters of the string properties of node or relationship rows (ids and other
    values are small and bounded per row; the per-row allowance covers them)."""
    return sum(
        len(value)
        for row in rows
        for value in row.get("properties", {}).values()
        if type(value) is str
    ) + 200 * len(rows)


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    """`rows` in chunks of at most `size` rows and `MAX_STATEMENT_TEXT` characters."""
    for start in range(0, len(rows), size):
        yield from _by_text(rows[start : start + size])


def _by_text(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    if len(rows) <= 1 or _text_size(rows) <= MAX_STATEMENT_TEXT:
        yield rows
        return
    half = len(rows) // 2
    yield from _by_text(rows[:half])
    yield from _by_text(rows[half:])


def _node_rows(
    records: list[NodeRecord], derived: Mapping[str, Mapping[str, Any]] | None = None
) -> list[dict[str, Any]]:
    extra = derived or {}
    return [{"id": r.id, "properties": {**r.properties, **extra.get(r.id, {})}} for r in records]


def _rel_rows(spec: RelSpec, records: list[RelationshipRecord]) -> list[dict[str, Any]]:
    return [
        {
            "start": r.start.id,
            "end": r.end.id,
            "key": {k: r.properties[k] for k in spec.key},
            "properties": {k: v for k, v in r.properties.items() if k not in spec.key},
        }
        for r in records
    ]


def _visits_by_item(visits: Iterable[Visit]) -> list[dict[str, Any]]:
    """Rows of ingest/visits/create: one per item, with its visits."""
    by_item: dict[str, list[dict[str, Any]]] = {}
    for v in visits:
        by_item.setdefault(v.item, []).append(
            {"stage": v.stage, "enteredAt": v.entered_at, "exitedAt": v.exited_at}
        )
    return [{"item": item, "visits": rows} for item, rows in by_item.items()]


def _new_visits_params(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Parameters of ingest/visits/create for some of `_visits_by_item`'s rows."""
    stages = sorted({visit["stage"] for row in rows for visit in row["visits"]})
    return {"rows": rows, "stages": stages}


def _visit_chunks(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    """Rows of ingest/visits/create in chunks of about `size` visits (an item's visits are
    never split)."""
    chunk: list[dict[str, Any]] = []
    visits = 0
    for row in rows:
        if chunk and visits + len(row["visits"]) > size:
            yield chunk
            chunk, visits = [], 0
        chunk.append(row)
        visits += len(row["visits"])
    if chunk:
        yield chunk


class _Writer:
    def __init__(self, store: GraphStore, batch_size: int, total: int, progress: Progress | None):
        self.store, self.batch_size, self.total, self.progress = store, batch_size, total, progress
        self.done = 0

    def _advance(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)

    async def rows(self, query: Query, rows: list[dict[str, Any]]) -> None:
        for chunk in _chunks(rows, self.batch_size):
            await self.store.write(query, rows=chunk)
            self._advance(len(chunk))

    async def new_visits(self, rows: list[dict[str, Any]]) -> None:
        for chunk in _visit_chunks(rows, self.batch_size):
            await self.store.write(CREATE_VISITS, **_new_visits_params(chunk))
            self._advance(sum(len(row["visits"]) for row in chunk))

    async def work_items(self, kind: WorkItemKind, rows: list[dict[str, Any]]) -> None:
        for chunk in _chunks(rows, self.batch_size):
            ids = [{"id": row["id"]} for row in chunk]
            await self.store.write_together(
                [
                    (CREATE_WORK_ITEMS[kind], {"rows": ids}),
                    (SET_WORK_ITEM_PROPERTIES, {"rows": chunk}),
                ]
            )
            self._advance(len(chunk))


def fits_one_transaction(plan: Plan, batch_size: int) -> bool:
    """Whether `write_plan` writes `plan` in one transaction (all or nothing)."""
    return plan.rows <= batch_size


def _split_nodes(
    plan: Plan, records: list[NodeRecord], derived: Mapping[str, Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of the nodes to create (with `derived` properties by id) and to update."""
    new = [r for r in records if plan.is_new(r.ref)]
    stored = [r for r in records if not plan.is_new(r.ref)]
    return _node_rows(new, derived), _node_rows(stored)


def _split_relationships(
    plan: Plan, spec: RelSpec, rels: list[RelationshipRecord]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    touches_new = [r for r in rels if plan.is_new(r.start) or plan.is_new(r.end)]
    others = [r for r in rels if not (plan.is_new(r.start) or plan.is_new(r.end))]
    return _rel_rows(spec, touches_new), _rel_rows(spec, others)


def _visit_key_rows(visits: Iterable[Visit]) -> list[dict[str, Any]]:
    return [
        {"item": v.item, "stage": v.stage, "enteredAt": v.entered_at, "exitedAt": v.exited_at}
        for v in visits
    ]


def _history_statements(plan: Plan) -> list[tuple[Query, dict[str, Any]]]:
    """The history writes of stored items, in order: their state log and whereabouts
    (checked against the log they were planned from), then their visits deleted,
    created and re-closed."""
    changes = plan.visit_changes
    statements: list[tuple[Query, dict[str, Any]]] = []
    # First: if another writer changed a log meanwhile, nothing else is done.
    if plan.histories:
        statements.append((SET_HISTORY, {"rows": plan.histories}))
    if changes.delete:
        statements.append((DELETE_VISITS, {"rows": _visit_key_rows(changes.delete)}))
    if changes.create:
        statements.append((CREATE_VISITS, _new_visits_params(_visits_by_item(changes.create))))
    if changes.reclose:
        statements.append((RECLOSE_VISITS, {"rows": _visit_key_rows(changes.reclose)}))
    return statements


def _pending_params(plan: Plan) -> dict[str, Any]:
    return {"rows": [p.row() for p in plan.pending], "now": datetime.now(UTC)}


def _part_of(plan: Plan, items: set[str]) -> Plan:
    """The history writes of `plan` that concern `items`."""
    changes = plan.visit_changes

    def of(visits: tuple[Visit, ...]) -> tuple[Visit, ...]:
        return tuple(v for v in visits if v.item in items)

    return Plan(
        histories=[row for row in plan.histories if row["item"] in items],
        visit_changes=VisitChanges(of(changes.delete), of(changes.create), of(changes.reclose)),
    )


def _node_groups(plan: Plan) -> list[tuple[Label, WorkItemKind | None, list[NodeRecord]]]:
    ordered = sorted(plan.nodes.items(), key=lambda e: (e[0][0], e[0][1] or ""))
    return [(label, kind, records) for (label, kind), records in ordered]


def _one_transaction(plan: Plan) -> list[tuple[Query, dict[str, Any]]]:
    """The statements of a plan that fits one transaction, in the chunked path's order.

    A lost creation race fails the whole transaction, and `ingest` plans again
    (validation then finds the winner's nodes and merges with them).
    """
    statements: list[tuple[Query, dict[str, Any]]] = []

    def add(query: Query, rows: list[dict[str, Any]]) -> None:
        # Several statements where one would be too large a message: still one transaction.
        statements.extend((query, {"rows": part}) for part in _by_text(rows) if part)

    for label, kind, records in _node_groups(plan):
        new, stored = _split_nodes(plan, records, plan.derived if kind is not None else {})
        if kind is not None:
            add(INSERT[kind], new)
            add(CREATE_WORK_ITEMS[kind], [{"id": row["id"]} for row in stored])
            add(SET_WORK_ITEM_PROPERTIES, stored)
        else:
            add(INSERT[label], new)
            add(UPSERT[label], stored)
    for spec, rels in plan.relationships.items():
        touches_new, others = _split_relationships(plan, spec, rels)
        add(INSERT_LINK[spec], touches_new)
        add(LINK[spec], others)
    if plan.visits:
        statements.append((CREATE_VISITS, _new_visits_params(_visits_by_item(plan.visits))))
    statements += _history_statements(plan)
    if plan.pending:
        statements.append((KEEP_PENDING, _pending_params(plan)))
    if plan.completed:
        statements.append((FORGET_PENDING, {"ids": plan.completed}))
    return statements


async def write_plan(
    store: GraphStore, plan: Plan, *, batch_size: int, progress: Progress | None = None
) -> None:
    """Write a validated plan: nodes, then relationships, then stage visits.

    A plan of at most `batch_size` rows is written in one transaction: all of it or,
    if that fails, none of it. A larger one is written in transactions of `batch_size`
    rows each (per label, relationship type and chunk): an interruption leaves whole
    chunks behind, and writing the same records again completes it.
    """
    total = plan.rows
    if fits_one_transaction(plan, batch_size):
        statements = _one_transaction(plan)
        if statements:
            await store.write_together(statements)
        if progress is not None:
            progress(total, total)
        return
    writer = _Writer(store, batch_size, total, progress)
    for label, kind, records in _node_groups(plan):
        new, stored = _split_nodes(plan, records, plan.derived if kind is not None else {})
        if kind is not None:
            await writer.rows(INSERT[kind], new)
            await writer.work_items(kind, stored)
        else:
            await writer.rows(INSERT[label], new)
            await writer.rows(UPSERT[label], stored)
    for spec, rels in plan.relationships.items():
        touches_new, others = _split_relationships(plan, spec, rels)
        await writer.rows(INSERT_LINK[spec], touches_new)
        await writer.rows(LINK[spec], others)
    await writer.new_visits(_visits_by_item(plan.visits))
    # A stored item's visits change with its history in one transaction, so a reader
    # never sees them half-derived; the items are chunked, not their writes.
    for start in range(0, len(plan.histories), batch_size):
        part = _part_of(plan, {row["item"] for row in plan.histories[start : start + batch_size]})
        await store.write_together(_history_statements(part))
    for start in range(0, len(plan.pending), batch_size):
        part = Plan(pending=plan.pending[start : start + batch_size])
        await store.write(KEEP_PENDING, **_pending_params(part))
    # Last: an interruption before this leaves them waiting, and the next batch that
    # names their node (a re-run of this one) writes them again.
    for start in range(0, len(plan.completed), batch_size):
        await store.write(FORGET_PENDING, ids=plan.completed[start : start + batch_size])


async def _validate(
    parsed: list[Record], problems: list[Problem], lookup: Lookup, *, skip_invalid: bool
) -> tuple[Plan, list[Problem]]:
    """Plan the batch; raise InvalidInput on any problem, unless `skip_invalid`, which
    plans the valid records and returns every problem, sorted by line."""
    plan, batch_problems = await build_plan(parsed, lookup)
    if not skip_invalid and (problems or batch_problems):
        raise InvalidInput(sorted(problems + batch_problems, key=lambda p: p.line))
    skipped = list(problems)
    # Dropping an invalid record can orphan another (a relationship to a node that was
    # dropped), so re-plan until no new problem appears.
    while batch_problems:
        skipped += batch_problems
        bad_lines = {p.line for p in batch_problems}
        parsed = [r for r in parsed if r.line not in bad_lines]
        plan, batch_problems = await build_plan(parsed, lookup)
    return plan, sorted(skipped, key=lambda p: p.line)


async def ingest(
    store: GraphStore,
    records: Iterable[Record | Problem],
    *,
    batch_size: int = 5000,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    production_pattern: str = PRODUCTION_PATTERN,
) -> IngestReport:
    """Validate every record, then write them all; raise InvalidInput and write nothing
    if any is invalid, unless `skip_invalid`, which writes the valid ones and reports the rest.
    `production_pattern` is the organisation's production (`VSG_PRODUCTION_PATTERN`):
    the environments an incident naming none is attributed among.
    """
    production_pattern_of(production_pattern)  # a bad pattern fails before any write
    start_trips = store.round_trips
    parsed: list[Record] = []
    problems: list[Problem] = []
    for item in records:
        if isinstance(item, Problem):
            problems.append(item)
        else:
            parsed.append(item)
    report = IngestReport(records=len(parsed) + len(problems))

    lookup = StoreLookup(store)
    # Its reads plan writes: they do not queue behind requests' reads (GraphStore.priority),
    # and requests' reads leave it a slot in the database (GraphStore.writing).
    with store.priority(), store.writing():
        async with store.ingest_locks.holding(_keys(parsed)):  # all stripes for a bulk batch
            plan, report.skipped = await _write_batch(
                store, parsed, problems, lookup, batch_size, skip_invalid, progress
            )
        report.add(_counts(plan))
        # Every title's words, the batch's records' before same-id records were merged:
        # what a search needs to know which titles could match (graph/ingest/title_words.py).
        await add_title_words(store, title_words(parsed), batch_size=batch_size)
        async with store.derive_lock:
            await _derive(store, plan, batch_size, production_pattern)
            report.add(await _complete_pending(store, plan, lookup, batch_size, production_pattern))
    report.round_trips = store.round_trips - start_trips
    return report


def _counts(plan: Plan) -> IngestReport:
    return IngestReport(
        nodes=plan.node_count,
        relationships=plan.relationship_count,
        visits=plan.visit_count,
        pending=len(plan.pending),
        completed=len(plan.completed),
        unmapped=plan.unmapped,
    )


async def _write_batch(
    store: GraphStore,
    parsed: list[Record],
    problems: list[Problem],
    lookup: Lookup,
    batch_size: int,
    skip_invalid: bool,
    progress: Progress | None,
    completed: list[str] | None = None,
) -> tuple[Plan, list[Problem]]:
    """Validate and write one batch (again, if it loses a write race); `completed`
    names the waiting records it writes (forgotten with its writes)."""
    for attempt in range(1, REPLAN_ATTEMPTS + 1):
        plan, skipped = await _validate(parsed, problems, lookup, skip_invalid=skip_invalid)
        if completed:
            kept = {p.id for p in plan.pending}
            plan.completed = [i for i in completed if i not in kept]
        try:
            await write_plan(store, plan, batch_size=batch_size, progress=progress)
            await _check_histories(plan, lookup)
            break
        except Exception as error:
            # Another process created some of the nodes this plan creates, or added
            # state changes to an item it moves, between validation and the write
            # (graph/db/store.py, `lost_write_race`): that transaction was rolled back
            # whole (a larger batch keeps its earlier chunks), and planning again finds
            # the winner's nodes, and the earlier chunks', and merges with them; every
            # write is idempotent, so writing again changes nothing already written.
            if attempt == REPLAN_ATTEMPTS or not lost_write_race(error):
                raise
            # A little jitter, so racing writers do not collide again in lockstep.
            await asyncio.sleep(random.uniform(0.005, 0.05) * attempt)
    return plan, skipped


#: Records above which a batch holds every stripe rather than naming its keys: a bulk
#: import names keys in every stripe anyway, and naming millions of them costs seconds.
_ALL_STRIPES = 10_000


async def _check_histories(plan: Plan, lookup: Lookup) -> None:
    """Raise WriteConflict unless every stored item the plan moved holds, read back, at
    least the facts written and, while its log is the one written, the visits derived
    from it. Writers in several processes on one item are caught by the log check in
    the write; this read-back also catches a concurrent write the embedded database
    merged instead of refusing (seen under load), and planning again repairs it."""
    if not plan.histories:
        return
    written = {row["item"]: row["stateLog"] for row in plan.histories}
    stored = await lookup.histories(sorted(written))
    for item, log in written.items():
        now = stored.get(item)
        if now is None or not set(log) <= set(now.log):
            raise WriteConflict(f"work item {item!r} lost a state change to another writer")
        if list(now.log) == list(log) and now.visits != plan.derived_visits[item]:
            raise WriteConflict(f"work item {item!r}'s visits changed under this write")


def _keys(records: list[Record]) -> list[str] | None:
    """The nodes a batch names (its nodes, its relationships' ends, its items moved);
    None for a bulk batch (every stripe)."""
    if len(records) > _ALL_STRIPES:
        return None
    keys: set[str] = set()
    for record in records:
        if isinstance(record, NodeRecord):
            keys.add(ref_key(record.ref))
        elif isinstance(record, RelationshipRecord):
            keys.update((ref_key(record.start), ref_key(record.end)))
        else:
            keys.add(ref_key(Ref(Label.WORK_ITEM, record.item)))
    return sorted(keys)


async def _derive(store: GraphStore, plan: Plan, batch_size: int, production_pattern: str) -> None:
    """Recompute what the batch touched of what is derived from relationships: SHIPPED
    from the commit graph, deployments' products, the family kinds of the work items it
    linked (graph/ingest/families.py), the flags of the commits it linked
    (graph/ingest/commit_flags.py), then inferred incident causes (among the
    deployments to `production_pattern`'s environments, for production); each writes
    only differences, in transactions of its own. They are not part of the
    batch's transaction: what an interruption leaves of them is recomputed by the
    retry of the batch."""
    await derive_shipped(store, plan, batch_size=batch_size)
    await link_deployment_products(store, plan, batch_size=batch_size)
    await derive_family_kinds(store, plan, batch_size=batch_size)
    await derive_commit_flags(store, plan, batch_size=batch_size)
    await attribute_incidents(
        store, plan, batch_size=batch_size, production_pattern=production_pattern
    )


async def _complete_pending(
    store: GraphStore, plan: Plan, lookup: Lookup, batch_size: int, production_pattern: str
) -> IngestReport:
    """Write the records that waited for a node of `plan` (docs/ingest.md, "Late
    references"); those still missing their other end wait on, now for that one."""
    # The batch's nodes, and what its own waiting records wait for: a writer in another
    # process may have created that node after this batch was planned, and looked for
    # waiting records before these were committed.
    if not (plan.nodes or plan.pending) or not await store.read(ANY_PENDING):
        return IngestReport()
    keys = sorted(
        {ref_key(r.ref) for records in plan.nodes.values() for r in records}
        | {ref_key(p.waits_for) for p in plan.pending}
    )
    rows: list[dict[str, Any]] = []
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        rows += await store.read(FIND_PENDING, keys=keys[start : start + _LOOKUP_CHUNK])
    if not rows:
        return IngestReport()
    parsed: list[Record] = []
    ids: list[str] = []
    for row, item in zip(
        rows, parse_objects(json.loads(row["record"]) for row in rows), strict=True
    ):
        # A kept record was valid when it came; one the model no longer accepts (after
        # an upgrade) keeps waiting, where the data-quality report shows it.
        if not isinstance(item, Problem):
            parsed.append(item)
            ids.append(row["id"])
    async with store.ingest_locks.holding(_keys(parsed)):
        follow, _ = await _write_batch(
            store, parsed, [], lookup, batch_size, True, None, completed=ids
        )
    await _derive(store, follow, batch_size, production_pattern)
    report = _counts(follow)
    report.pending = 0  # still waiting: counted when they were first kept
    return report


#: Records `ingest_stream` reads, validates and writes at a time.
STREAM_CHUNK = 500_000


async def ingest_stream(
    store: GraphStore,
    records: Iterable[Record],
    *,
    chunk: int = STREAM_CHUNK,
    batch_size: int = 5000,
    progress: Progress | None = None,
    production_pattern: str = PRODUCTION_PATTERN,
) -> IngestReport:
    """Ingest a long stream of generated records `chunk` records at a time, each chunk an
    `ingest` of its own, so memory holds one chunk, not the stream (a million-item demo
    organisation is tens of millions of records).

    For trusted streams in dependency order (the demo generator): a record may refer to
    nodes of earlier chunks, which are in the graph by then, but not of later ones. An
    invalid record fails its chunk and stops the stream, with the earlier chunks written:
    unlike `ingest`, the stream as a whole is not all or nothing. `progress(done, total)`
    counts the records read so far in `total` until the stream ends.
    """
    total = IngestReport()
    start_trips = store.round_trips
    pending: list[Record] = []

    async def flush() -> None:
        written_before, size = total.records, len(pending)

        def step(rows_done: int, rows_total: int) -> None:
            # Rows written of this chunk, as a share of its records; the records read so
            # far stand for the total until the stream ends.
            if progress is not None:
                done = written_before + rows_done * size // max(rows_total, 1)
                progress(done, written_before + size)

        report = await ingest(
            store,
            pending,
            batch_size=batch_size,
            progress=step,
            production_pattern=production_pattern,
        )
        total.records += report.records
        total.add(report)
        pending.clear()

    for record in records:
        pending.append(record)
        if len(pending) >= chunk:
            await flush()
    if pending:
        await flush()
    total.round_trips = store.round_trips - start_trips
    return total
