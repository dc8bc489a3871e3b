"""Ingest: validate a whole batch, then write it in idempotent transactions.

Nothing is written unless the whole batch is valid (or `skip_invalid` drops the invalid
records, and whatever depended on them, first). Writes are `UNWIND ...` statements per
label and relationship type: `MERGE` for what the graph already holds, `CREATE` for what
validation found missing (and for links and visits touching it). A batch of at most
`batch_size` rows is written in one transaction, all or nothing (a lost race to create a
node with another process: validated again, and written again); a larger one in chunks
of `batch_size` rows, each chunk one transaction. Importing the same records twice
changes nothing (the second time everything exists and is merged), and a retried import
after an interruption completes it (docs/ingest.md, "What an interruption leaves").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.errors import InvalidInput, Problem
from graph.ingest.causes import attribute_incidents
from graph.ingest.plan import Lookup, Plan, StageInfo, Visit, build_plan
from graph.ingest.records import NodeRecord, Record, Ref, RelationshipRecord
from graph.ingest.shipped import derive_shipped
from graph.model import CURRENT_STAGE, LAST_MOVED_AT, RELATIONSHIPS, Label, RelSpec, WorkItemKind
from graph.queries import Query, cypher
from graph.store import GraphStore, lost_creation_race


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# Bound at import, so a missing file fails at start-up rather than mid-import.
EXISTING: dict[Label, Query] = {
    label: cypher(f"ingest/existing/{_snake(label)}") for label in Label
}
UPSERT: dict[Label, Query] = {
    label: cypher(f"ingest/nodes/upsert_{_snake(label)}")
    for label in Label
    if label is not Label.WORK_ITEM
}
CREATE_WORK_ITEMS = {kind: cypher(f"ingest/nodes/create_{_snake(kind)}") for kind in WorkItemKind}
# Nodes, relationships and visits the plan knows to be new are created outright: the
# embedded database CREATEs several times faster than it MERGEs.
INSERT: dict[Label | WorkItemKind, Query] = {
    **{label: cypher(f"ingest/new_nodes/{_snake(label)}") for label in UPSERT},
    **{kind: cypher(f"ingest/new_nodes/{_snake(kind)}") for kind in WorkItemKind},
}
SET_WORK_ITEM_PROPERTIES = cypher("ingest/nodes/set_work_item_properties")
LINK = {
    spec: cypher(
        f"ingest/relationships/{spec.type.lower()}__{_snake(spec.start)}__{_snake(spec.end)}"
    )
    for spec in RELATIONSHIPS
}
STAGES = cypher("ingest/stages")
WORK_ITEM_PRODUCTS = cypher("ingest/work_item_products")
NORMALISE_VISITS = cypher("ingest/normalise_visits")
NEW_VISITS = cypher("ingest/new_visits")
INSERT_LINK = {
    spec: cypher(
        f"ingest/new_relationships/{spec.type.lower()}__{_snake(spec.start)}__{_snake(spec.end)}"
    )
    for spec in RELATIONSHIPS
}
IN_STAGE = next(spec for spec in RELATIONSHIPS if spec.key == ("enteredAt",))

#: Called as progress(records_written, records_total) after each transaction.
Progress = Callable[[int, int], None]

# How many ids one existence check sends; keeps parameter maps a sensible size.
_LOOKUP_CHUNK = 20_000
# How often a batch written in one transaction is planned again after losing a race to
# create a node with another process (each plan sees more of the winners' nodes).
REPLAN_ATTEMPTS = 3


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
        return {row["id"] for row in await self._ids(EXISTING[label], ids)}

    async def work_item_kinds(self, ids: list[str]) -> dict[str, set[str]]:
        rows = await self._ids(EXISTING[Label.WORK_ITEM], ids)
        return {row["id"]: set(row["kinds"]) for row in rows}

    async def item_products(self, ids: list[str]) -> dict[str, str]:
        rows = await self._ids(WORK_ITEM_PRODUCTS, ids)
        return {row["item"]: row["product"] for row in rows}

    async def stages(self) -> list[StageInfo]:
        rows = await self.store.read(STAGES)
        return [StageInfo(r["stage"], r["product"], tuple(r["states"]), r["name"]) for r in rows]


@dataclass
class IngestReport:
    """What an ingest did: records read, what was written, what was skipped and why."""

    records: int = 0
    nodes: int = 0
    relationships: int = 0
    visits: int = 0
    skipped: list[Problem] = field(default_factory=list)
    round_trips: int = 0

    @property
    def written(self) -> int:
        """Nodes, relationships and stage visits written."""
        return self.nodes + self.relationships + self.visits


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _node_rows(
    records: list[NodeRecord], derived: Mapping[str, Mapping[str, Any]] | None = None
) -> list[dict[str, Any]]:
    extra = derived or {}
    return [{"id": r.id, "properties": {**r.properties, **extra.get(r.id, {})}} for r in records]


def _whereabouts(plan: Plan) -> dict[str, dict[str, Any]]:
    """Where each new work item with visits is now (docs/graph-model.md, derived
    properties): the plan holds a new item's whole history, chained, the last visit open."""
    latest: dict[str, Visit] = {}
    for visit in plan.visits:
        if plan.is_new(Ref(Label.WORK_ITEM, visit.item)):
            seen = latest.get(visit.item)
            if seen is None or visit.entered_at >= seen.entered_at:
                latest[visit.item] = visit
    return {
        item: {
            CURRENT_STAGE: visit.stage,
            LAST_MOVED_AT: visit.entered_at,
        }
        for item, visit in latest.items()
    }


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


def _visit_rows(visits: list[Visit]) -> list[dict[str, Any]]:
    return [
        {
            "start": v.item,
            "end": v.stage,
            "key": {"enteredAt": v.entered_at},
            # The last known visit is left open as it is: a later import may close it.
            "properties": {"exitedAt": v.exited_at} if v.exited_at else {},
        }
        for v in visits
    ]


def _visits_by_item(visits: list[Visit]) -> list[dict[str, Any]]:
    """Rows of ingest/new_visits: one per item, with its visits."""
    by_item: dict[str, list[dict[str, Any]]] = {}
    for v in visits:
        # The last known visit is left open (exitedAt null): a later import may close it.
        by_item.setdefault(v.item, []).append(
            {"stage": v.stage, "enteredAt": v.entered_at, "exitedAt": v.exited_at}
        )
    return [{"item": item, "visits": rows} for item, rows in by_item.items()]


def _new_visits_params(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Parameters of ingest/new_visits for some of `_visits_by_item`'s rows."""
    stages = sorted({visit["stage"] for row in rows for visit in row["visits"]})
    return {"rows": rows, "stages": stages}


def _visit_chunks(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    """Rows of ingest/new_visits in chunks of about `size` visits (an item's visits are
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
            await self.store.write(NEW_VISITS, **_new_visits_params(chunk))
            self._advance(sum(len(row["visits"]) for row in chunk))

    async def new_nodes(
        self, insert: Query, fallback: list[Query], rows: list[dict[str, Any]]
    ) -> None:
        for chunk in _chunks(rows, self.batch_size):
            await self.store.insert(insert, fallback, rows=chunk)
            self._advance(len(chunk))

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


def _plan_rows(plan: Plan) -> int:
    return plan.node_count + plan.relationship_count + len(plan.visits)


def fits_one_transaction(plan: Plan, batch_size: int) -> bool:
    """Whether `write_plan` writes `plan` in one transaction (all or nothing)."""
    return _plan_rows(plan) <= batch_size


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


def _split_visits(plan: Plan) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Visits of new items (by item), visits of stored items, and the items to normalise
    (sorted).

    A new item's visits are its whole history, already chained by the plan (and where it
    is now is written with the item, `_whereabouts`); items with stored visits, and any
    item given `IN_STAGE` relationships directly, need their chain re-closed and their
    whereabouts read again from all their visits.
    """
    new_items = [v for v in plan.visits if plan.is_new(Ref(Label.WORK_ITEM, v.item))]
    stored_items = [v for v in plan.visits if not plan.is_new(Ref(Label.WORK_ITEM, v.item))]
    direct = [r.start.id for r in plan.relationships.get(IN_STAGE, [])]
    items = sorted({v.item for v in stored_items} | set(direct))
    return _visits_by_item(new_items), _visit_rows(stored_items), items


def _node_groups(plan: Plan) -> list[tuple[Label, WorkItemKind | None, list[NodeRecord]]]:
    ordered = sorted(plan.nodes.items(), key=lambda e: (e[0][0], e[0][1] or ""))
    return [(label, kind, records) for (label, kind), records in ordered]


def _one_transaction(plan: Plan) -> list[tuple[Query, dict[str, Any]]]:
    """The statements of a plan that fits one transaction, in the chunked path's order.

    No fallback here: a lost creation race fails the whole transaction, and `ingest`
    plans again (validation then finds the winner's nodes and merges with them).
    """
    statements: list[tuple[Query, dict[str, Any]]] = []

    def add(query: Query, rows: list[dict[str, Any]]) -> None:
        if rows:
            statements.append((query, {"rows": rows}))

    whereabouts = _whereabouts(plan)
    for label, kind, records in _node_groups(plan):
        new, stored = _split_nodes(plan, records, whereabouts if kind is not None else {})
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
    new_visits, stored_visits, items = _split_visits(plan)
    if new_visits:
        statements.append((NEW_VISITS, _new_visits_params(new_visits)))
    add(LINK[IN_STAGE], stored_visits)
    if items:
        statements.append((NORMALISE_VISITS, {"items": items}))
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
    total = _plan_rows(plan)
    if fits_one_transaction(plan, batch_size):
        statements = _one_transaction(plan)
        if statements:
            # Its CREATEs would lose a race again: `ingest` plans again instead.
            await store.write_together(statements, retry_races=False)
        if progress is not None:
            progress(total, total)
        return
    writer = _Writer(store, batch_size, total, progress)
    whereabouts = _whereabouts(plan)
    for label, kind, records in _node_groups(plan):
        new, stored = _split_nodes(plan, records, whereabouts if kind is not None else {})
        if kind is not None:
            # A lost creation race falls back to the match-then-create path.
            fallback = [CREATE_WORK_ITEMS[kind], SET_WORK_ITEM_PROPERTIES]
            await writer.new_nodes(INSERT[kind], fallback, new)
            await writer.work_items(kind, stored)
        else:
            await writer.new_nodes(INSERT[label], [UPSERT[label]], new)
            await writer.rows(UPSERT[label], stored)
    for spec, rels in plan.relationships.items():
        touches_new, others = _split_relationships(plan, spec, rels)
        await writer.rows(INSERT_LINK[spec], touches_new)
        await writer.rows(LINK[spec], others)
    new_visits, stored_visits, items = _split_visits(plan)
    await writer.new_visits(new_visits)
    await writer.rows(LINK[IN_STAGE], stored_visits)
    for start in range(0, len(items), batch_size):
        await store.write(NORMALISE_VISITS, items=items[start : start + batch_size])


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
) -> IngestReport:
    """Validate every record, then write them all; raise InvalidInput and write nothing
    if any is invalid, unless `skip_invalid`, which writes the valid ones and reports the rest.
    """
    start_trips = store.round_trips
    parsed: list[Record] = []
    problems: list[Problem] = []
    for item in records:
        if isinstance(item, Problem):
            problems.append(item)
        else:
            parsed.append(item)
    report = IngestReport(records=len(parsed) + len(problems))

    async with store.ingest_lock:
        lookup = StoreLookup(store)
        for attempt in range(1, REPLAN_ATTEMPTS + 1):
            plan, skipped = await _validate(parsed, problems, lookup, skip_invalid=skip_invalid)
            try:
                await write_plan(store, plan, batch_size=batch_size, progress=progress)
                break
            except Exception as error:
                # Another process created some of the nodes this plan creates, between
                # validation and the write: the one transaction was rolled back whole,
                # and planning again finds the winner's nodes and merges with them.
                if (
                    attempt == REPLAN_ATTEMPTS
                    or not fits_one_transaction(plan, batch_size)
                    or not lost_creation_race(error)
                ):
                    raise
        # Derived relationships (DORA): SHIPPED from the commit graph, then inferred incident
        # causes; both recompute only what this batch touched and write only differences,
        # each chunk in its own transaction. They are not part of the batch's transaction:
        # what an interruption leaves of them is recomputed by the retry of the batch.
        await derive_shipped(store, plan, batch_size=batch_size)
        await attribute_incidents(store, plan, batch_size=batch_size)
    report.nodes = plan.node_count
    report.relationships = plan.relationship_count
    report.visits = len(plan.visits)
    report.skipped = skipped
    report.round_trips = store.round_trips - start_trips
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

        report = await ingest(store, pending, batch_size=batch_size, progress=step)
        total.records += report.records
        total.nodes += report.nodes
        total.relationships += report.relationships
        total.visits += report.visits
        pending.clear()

    for record in records:
        pending.append(record)
        if len(pending) >= chunk:
            await flush()
    if pending:
        await flush()
    total.round_trips = store.round_trips - start_trips
    return total
