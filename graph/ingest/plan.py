"""Batch validation: turn parsed records into a write plan, or into problems.

Everything that needs the whole batch or the graph is settled here, before anything is
written: duplicate ids with conflicting kinds and kind changes are problems; records
naming a node that is neither in the batch nor in the graph wait as pending
(`graph/ingest/pending.py`); state changes join their items' stored state history, and
the items' stage visits are derived again from the whole history
(`graph/ingest/history.py`). The graph is consulted through a `Lookup` (the
database-backed one lives in `service`), so this module stays pure and testable without
a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from graph.errors import Problem
from graph.ingest.history import STATE_LOG, Derived, Fact, FactKind, Visit, derive, merge_log
from graph.ingest.pending import PendingRecord, waits_for_work_item
from graph.ingest.progress import merge_progress
from graph.ingest.records import NodeRecord, Record, Ref, RelationshipRecord, StateRecord
from graph.ingest.stage_map import StageMap
from graph.model import (
    CURRENT_STAGE,
    DEFAULT_FLOW_TYPE,
    LAST_MOVED_AT,
    RELATIONSHIP_INDEX,
    STAGE_MONTH,
    VISIT_ENTRIES,
    VISIT_EXITS,
    VISIT_STAGES,
    Label,
    RelSpec,
    RelType,
    WorkItemKind,
    stage_month,
)
from graph.times import micros

#: A visit column's exit while the visit is open (graph/model.py, VISIT_EXITS).
OPEN_VISIT = -1


@dataclass(frozen=True)
class Existing:
    """Which ids exist, per label, and the kind labels of the work items among them."""

    ids: Mapping[Label, set[str]]
    kinds: Mapping[str, set[str]]

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, Ref) and ref.id in self.ids.get(ref.label, set())


@dataclass(frozen=True)
class StoredHistory:
    """A stored work item's state log, the visits derived from it last time, and the
    product it is for."""

    log: tuple[str, ...]
    visits: tuple[Visit, ...]
    product: str | None = None


class Lookup(Protocol):
    """What validation needs to know about the graph as it is."""

    async def existing_any(self, wanted: Mapping[Label, Iterable[str]]) -> Existing:
        """Which of the `wanted` ids exist, of every label at once."""

    async def stage_map(self) -> StageMap:
        """Every stage with its value stream, and every value stream's product."""

    async def histories(self, ids: list[str]) -> dict[str, StoredHistory]:
        """The state log, visits and product of each existing work item among `ids`."""

    async def product_items(self, products: list[str]) -> list[str]:
        """The work items of `products` that have a state log."""


@dataclass(frozen=True)
class VisitChanges:
    """How a stored item's visits change: what to delete, create, and re-close."""

    delete: tuple[Visit, ...] = ()
    create: tuple[Visit, ...] = ()
    reclose: tuple[Visit, ...] = ()

    def __len__(self) -> int:
        return len(self.delete) + len(self.create) + len(self.reclose)


@dataclass
class Plan:
    """What a valid batch writes: nodes by label/kind, relationships by spec, the stage
    visits and state logs of the items it moves, and the records that wait."""

    nodes: dict[tuple[Label, WorkItemKind | None], list[NodeRecord]] = field(
        default_factory=lambda: defaultdict(list)
    )
    relationships: dict[RelSpec, list[RelationshipRecord]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: Visits of the work items this batch creates: their whole history, chained.
    visits: list[Visit] = field(default_factory=list)
    #: Derived properties of the work items this batch creates, by id.
    derived: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Stored work items whose history changed: their new log and whereabouts (rows of
    #: `ingest/visits/set_history`) and how their visits change.
    histories: list[dict[str, Any]] = field(default_factory=list)
    visit_changes: VisitChanges = field(default_factory=VisitChanges)
    #: The visits each of those stored items has once the plan is written.
    derived_visits: dict[str, tuple[Visit, ...]] = field(default_factory=dict)
    pending: list[PendingRecord] = field(default_factory=list)
    #: Ids of earlier pending records this plan writes, forgotten with its writes.
    completed: list[str] = field(default_factory=list)
    #: State changes naming a tool state or stage that no stage maps (yet).
    unmapped: int = 0
    #: Nodes of the batch that are not in the graph yet: they are created outright, and
    #: so are relationships and visits that touch them (nothing can exist to merge with).
    new: set[Ref] = field(default_factory=set)

    def is_new(self, ref: Ref) -> bool:
        """Whether the batch creates the node `ref` (it was not in the graph)."""
        return ref in self.new

    @property
    def node_count(self) -> int:
        """Nodes the plan writes."""
        return sum(len(v) for v in self.nodes.values())

    @property
    def relationship_count(self) -> int:
        """Relationships the plan writes (visits not included)."""
        return sum(len(v) for v in self.relationships.values())

    @property
    def visit_count(self) -> int:
        """Stage visits the plan creates (re-closing or deleting a stored one is a
        change of a visit that was counted when it was created)."""
        return len(self.visits) + len(self.visit_changes.create)

    @property
    def rows(self) -> int:
        """Rows the plan writes, what transactions are sized by."""
        return (
            self.node_count
            + self.relationship_count
            + len(self.visits)
            + len(self.visit_changes)
            + len(self.histories)
            + len(self.pending)
            + len(self.completed)
        )


def _merge_nodes(records: Iterable[NodeRecord], problems: list[Problem]) -> dict[Ref, NodeRecord]:
    """One record per node; a later record's properties update an earlier one's."""
    nodes: dict[Ref, NodeRecord] = {}
    for record in records:
        earlier = nodes.get(record.ref)
        if earlier is None:
            nodes[record.ref] = record
        elif earlier.kind != record.kind:
            problems.append(
                Problem(
                    record.line,
                    "label",
                    f"work item {record.id!r} is a {earlier.kind} on line {earlier.line} "
                    f"and a {record.kind} here; a work item has one kind",
                )
            )
        else:
            merged = {**earlier.properties, **record.properties}
            if record.label is Label.DEPLOYMENT:
                # Statuses of one deployment in one batch: the same rule as across
                # batches (graph/ingest/progress.py), not the later line.
                merged.update(merge_progress(earlier.properties, record.properties))
            nodes[record.ref] = NodeRecord(
                record.line, record.label, record.id, merged, record.kind
            )
    return nodes


def _check_kinds(
    nodes: Mapping[Ref, NodeRecord], stored: Mapping[str, set[str]], problems: list[Problem]
) -> None:
    """Refuse kind changes of stored work items (`stored`: their kinds by id)."""
    for record in nodes.values():
        kinds = stored.get(record.id) if record.label is Label.WORK_ITEM else None
        if kinds and record.kind not in kinds:
            problems.append(
                Problem(
                    record.line,
                    "label",
                    f"work item {record.id!r} exists as {', '.join(sorted(kinds))}; "
                    f"its kind cannot change to {record.kind}",
                )
            )


def _with_defaults(record: NodeRecord) -> NodeRecord:
    if record.kind is None or "flowType" in record.properties:
        return record
    properties = {**record.properties, "flowType": DEFAULT_FLOW_TYPE[record.kind].value}
    return NodeRecord(record.line, record.label, record.id, properties, record.kind)


def _facts(records: Iterable[StateRecord | RelationshipRecord]) -> dict[str, list[Fact]]:
    """State changes by item: state records, and `IN_STAGE` records read as an entry
    into the stage (and an exit from it, if they give one)."""
    facts: dict[str, list[Fact]] = defaultdict(list)
    for record in records:
        if isinstance(record, StateRecord):
            if record.state is not None:
                kind = FactKind.ASSUMED if record.assumed else FactKind.STATE
                value: str | None = record.state
            else:
                kind, value = (FactKind.EXIT if record.left else FactKind.STAGE), record.stage
            assert value is not None
            facts[record.item].append(Fact(record.at, kind, value))
        else:
            item, stage = record.start.id, record.end.id
            facts[item].append(Fact(record.properties["enteredAt"], FactKind.STAGE, stage))
            exited: datetime | None = record.properties.get("exitedAt")
            if exited is not None:
                facts[item].append(Fact(exited, FactKind.EXIT, stage))
    return facts


def _millis(at: datetime) -> int:
    return micros(at) // 1000


def _whereabouts(derived: Derived, log: list[str]) -> dict[str, Any]:
    visits = derived.visits
    return {
        STATE_LOG: log,
        CURRENT_STAGE: derived.current_stage,
        LAST_MOVED_AT: derived.last_moved_at,
        STAGE_MONTH: (
            None
            if derived.current_stage is None or derived.last_moved_at is None
            else stage_month(derived.current_stage, derived.last_moved_at)
        ),
        VISIT_STAGES: [v.stage for v in visits],
        VISIT_ENTRIES: [_millis(v.entered_at) for v in visits],
        VISIT_EXITS: [OPEN_VISIT if v.exited_at is None else _millis(v.exited_at) for v in visits],
    }


def _visit_changes(stored: Iterable[Visit], wanted: Iterable[Visit]) -> VisitChanges:
    """The writes that turn the stored visits into the wanted ones; a visit is known by
    its item, stage and entry (two stored visits with one key are replaced by one)."""
    by_key: dict[tuple[str, str, datetime], list[Visit]] = defaultdict(list)
    for visit in stored:
        by_key[(visit.item, visit.stage, visit.entered_at)].append(visit)
    delete: list[Visit] = []
    create: list[Visit] = []
    reclose: list[Visit] = []
    wanted_keys = set()
    for visit in wanted:
        key = (visit.item, visit.stage, visit.entered_at)
        wanted_keys.add(key)
        found = by_key.get(key, [])
        if len(found) == 1:
            if found[0].exited_at != visit.exited_at:
                reclose.append(visit)
        else:
            delete.extend(found)
            create.append(visit)
    for key, visits in by_key.items():
        if key not in wanted_keys:
            delete.extend(visits)
    return VisitChanges(tuple(delete), tuple(create), tuple(reclose))


async def plan_histories(
    plan: Plan,
    facts: Mapping[str, list[Fact]],
    rederive: set[str],
    stage_map: StageMap,
    given_products: Mapping[str, str],
    lookup: Lookup,
) -> None:
    """Derive the visits of every item with new facts (and of `rederive`, stored items
    whose product or stage mapping changed) from its whole history; an item's product is
    the one the batch gives it, or else the stored one."""
    new_items = sorted(i for i in facts if plan.is_new(Ref(Label.WORK_ITEM, i)))
    stored_ids = sorted((set(facts) | rederive) - set(new_items))
    stored = await lookup.histories(stored_ids) if stored_ids else {}
    products = {i: h.product for i, h in stored.items() if h.product} | dict(given_products)
    for item in new_items:
        log = merge_log((), facts[item])
        derived = derive(item, log, stage_map.resolver(products.get(item)), stage_map.order)
        plan.visits.extend(derived.visits)
        plan.derived[item] = _whereabouts(derived, log)
        plan.unmapped += derived.unmapped
    old_visits: list[Visit] = []
    wanted: list[Visit] = []
    for item in stored_ids:
        history = stored.get(item, StoredHistory((), ()))
        log = merge_log(history.log, facts.get(item, ()))
        derived = derive(item, log, stage_map.resolver(products.get(item)), stage_map.order)
        plan.unmapped += derived.unmapped
        if tuple(log) == history.log and derived.visits == history.visits:
            continue  # nothing new: re-delivery writes nothing
        old_visits.extend(history.visits)
        wanted.extend(derived.visits)
        plan.histories.append(
            {"item": item, "expected": list(history.log), **_whereabouts(derived, log)}
        )
        plan.derived_visits[item] = derived.visits
    plan.visit_changes = _visit_changes(old_visits, wanted)


async def build_plan(records: list[Record], lookup: Lookup) -> tuple[Plan, list[Problem]]:
    """Validate a whole batch against itself and the graph; plan its writes."""
    problems: list[Problem] = []
    node_records = [r for r in records if isinstance(r, NodeRecord)]
    rel_records = [r for r in records if isinstance(r, RelationshipRecord)]
    state_records = [r for r in records if isinstance(r, StateRecord)]
    # An imported IN_STAGE is a state change, not a relationship kept as given.
    moves = [r for r in rel_records if r.type is RelType.IN_STAGE]
    links = [r for r in rel_records if r.type is not RelType.IN_STAGE]

    nodes = _merge_nodes(node_records, problems)
    # Every node the batch names, asked about at once (one round trip for a delivery).
    ends = [end for rel in links for end in (rel.start, rel.end)]
    items = [waits_for_work_item(r.item) for r in state_records]
    items += [m.start for m in moves]
    named = {*nodes, *ends, *items}
    wanted: dict[Label, set[str]] = defaultdict(set)
    for ref in named:
        wanted[ref.label].add(ref.id)
    found = await lookup.existing_any(wanted)
    _check_kinds(nodes, found.kinds, problems)
    plan = Plan(new={ref for ref in nodes if ref not in found})
    # A record naming a node that is nowhere yet waits for it (one missing end named).
    missing = {ref for ref in named if ref not in nodes and ref not in found}
    seen: dict[tuple[Any, ...], RelationshipRecord] = {}
    for rel in links:
        absent = next((end for end in (rel.start, rel.end) if end in missing), None)
        if absent is not None:
            plan.pending.append(PendingRecord(rel, absent))
        else:
            seen[rel.key()] = rel  # one write per relationship; the later record wins
    for rel in seen.values():
        spec = RELATIONSHIP_INDEX[(rel.type, rel.start.label, rel.end.label)]
        plan.relationships[spec].append(rel)
    for record in nodes.values():
        plan.nodes[(record.label, record.kind)].append(_with_defaults(record))

    moved: list[StateRecord | RelationshipRecord] = []
    changes: list[StateRecord | RelationshipRecord] = [*state_records, *moves]
    for move in changes:
        item = waits_for_work_item(move.item if isinstance(move, StateRecord) else move.start.id)
        if item in missing:
            plan.pending.append(PendingRecord(move, item))
        else:
            moved.append(move)

    # The same record twice in a batch waits once (one `Pending` per record).
    plan.pending = list({p.id: p for p in plan.pending}.values())
    facts = _facts(moved)
    structure = any(r.label is Label.STAGE for r in node_records) or any(
        r.type in (RelType.HAS_STAGE, RelType.HAS_VALUE_STREAM) for r in links
    )
    given_products = {
        r.start.id: r.end.id
        for r in seen.values()
        if r.type is RelType.FOR_PRODUCT and r.start.label is Label.WORK_ITEM
    }
    if not (facts or structure or given_products):
        return plan, sorted(problems, key=lambda p: p.line)

    stored_map = await lookup.stage_map()
    stage_map = stored_map.with_batch(nodes.values(), seen.values())
    # Items whose facts may now map elsewhere: a new product, or a changed mapping.
    rederive = {i for i in given_products if not plan.is_new(Ref(Label.WORK_ITEM, i))}
    changed = stored_map.changed_products(stage_map) if structure else set()
    if changed:
        rederive.update(await lookup.product_items(sorted(changed)))
    await plan_histories(plan, facts, rederive, stage_map, given_products, lookup)
    return plan, sorted(problems, key=lambda p: p.line)
