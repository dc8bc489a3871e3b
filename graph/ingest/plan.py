"""Batch validation: turn parsed records into a write plan, or into problems.

Everything that needs the whole batch or the graph is checked here, before anything is
written: duplicate ids with conflicting kinds, relationships whose ends exist neither in
the batch nor in the graph, state changes of unknown items or to unmapped states. The
graph is consulted through a `Lookup` (the database-backed one lives in `service`), so
this module stays pure and testable without a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from graph.errors import Problem
from graph.ingest.records import NodeRecord, Record, Ref, RelationshipRecord, StateRecord
from graph.model import (
    DEFAULT_FLOW_TYPE,
    RELATIONSHIP_INDEX,
    Label,
    RelSpec,
    RelType,
    WorkItemKind,
)


@dataclass(frozen=True)
class StageInfo:
    """A stage as state mapping sees it: its value stream's product and tool states."""

    id: str
    product: str | None
    states: tuple[str, ...]
    name: str


class Lookup(Protocol):
    """What validation needs to know about the graph as it is."""

    async def existing(self, label: Label, ids: list[str]) -> set[str]:
        """The ids among `ids` that exist with `label`."""

    async def work_item_kinds(self, ids: list[str]) -> dict[str, set[str]]:
        """The kind labels of the existing work items among `ids`."""

    async def item_products(self, ids: list[str]) -> dict[str, str]:
        """The product each existing work item among `ids` is for."""

    async def stages(self) -> list[StageInfo]:
        """Every stage of every value stream, with its product and mapped tool states."""


@dataclass(frozen=True)
class Visit:
    """An `IN_STAGE` stay computed from state changes; `exited_at` None leaves it as is."""

    item: str
    stage: str
    entered_at: datetime
    exited_at: datetime | None


@dataclass
class Plan:
    """What a valid batch writes: nodes by label/kind, relationships by spec, visits."""

    nodes: dict[tuple[Label, WorkItemKind | None], list[NodeRecord]] = field(
        default_factory=lambda: defaultdict(list)
    )
    relationships: dict[RelSpec, list[RelationshipRecord]] = field(
        default_factory=lambda: defaultdict(list)
    )
    visits: list[Visit] = field(default_factory=list)
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
            nodes[record.ref] = NodeRecord(
                record.line, record.label, record.id, merged, record.kind
            )
    return nodes


async def _check_kinds(
    nodes: Mapping[Ref, NodeRecord], lookup: Lookup, problems: list[Problem]
) -> set[str]:
    """Refuse kind changes of stored work items; return the ids of the stored ones."""
    items = [r for r in nodes.values() if r.label is Label.WORK_ITEM]
    if not items:
        return set()
    stored = await lookup.work_item_kinds([r.id for r in items])
    for record in items:
        kinds = stored.get(record.id)
        if kinds and record.kind not in kinds:
            problems.append(
                Problem(
                    record.line,
                    "label",
                    f"work item {record.id!r} exists as {', '.join(sorted(kinds))}; "
                    f"its kind cannot change to {record.kind}",
                )
            )
    return set(stored)


async def _new_nodes(
    nodes: Mapping[Ref, NodeRecord], stored_items: set[str], lookup: Lookup
) -> set[Ref]:
    """The batch's nodes that are not in the graph yet."""
    by_label: dict[Label, list[str]] = defaultdict(list)
    for ref in nodes:
        if ref.label is not Label.WORK_ITEM:
            by_label[ref.label].append(ref.id)
    new = {ref for ref in nodes if ref.label is Label.WORK_ITEM and ref.id not in stored_items}
    for label, ids in by_label.items():
        found = await lookup.existing(label, sorted(ids))
        new.update(Ref(label, i) for i in ids if i not in found)
    return new


async def _missing_refs(
    refs: Iterable[Ref], nodes: Mapping[Ref, NodeRecord], lookup: Lookup
) -> set[Ref]:
    wanted: dict[Label, set[str]] = defaultdict(set)
    for ref in refs:
        if ref not in nodes:
            wanted[ref.label].add(ref.id)
    missing: set[Ref] = set()
    for label, ids in wanted.items():
        found = await lookup.existing(label, sorted(ids))
        missing.update(Ref(label, i) for i in ids - found)
    return missing


def _with_defaults(record: NodeRecord) -> NodeRecord:
    if record.kind is None or "flowType" in record.properties:
        return record
    properties = {**record.properties, "flowType": DEFAULT_FLOW_TYPE[record.kind].value}
    return NodeRecord(record.line, record.label, record.id, properties, record.kind)


class _StageResolver:
    """Maps (work item, tool state) to a stage of the item's product's value stream."""

    def __init__(
        self,
        stages: list[StageInfo],
        nodes: Mapping[Ref, NodeRecord],
        rels: Iterable[RelationshipRecord],
        item_products: Mapping[str, str],
    ) -> None:
        by_id = {s.id: s for s in stages}
        stream_product: dict[str, str] = {}
        stage_stream: dict[str, str] = {}
        self.item_product = dict(item_products)
        for rel in rels:
            if rel.type is RelType.HAS_VALUE_STREAM:
                stream_product[rel.end.id] = rel.start.id
            elif rel.type is RelType.HAS_STAGE:
                stage_stream[rel.end.id] = rel.start.id
            elif rel.type is RelType.FOR_PRODUCT and rel.start.label is Label.WORK_ITEM:
                self.item_product[rel.start.id] = rel.end.id
        for ref, record in nodes.items():
            if ref.label is Label.STAGE:
                old = by_id.get(ref.id)
                stream = stage_stream.get(ref.id)
                product = stream_product.get(stream) if stream else (old.product if old else None)
                states = record.properties.get("states") or (old.states if old else ())
                by_id[ref.id] = StageInfo(
                    ref.id, product, tuple(states), str(record.properties["name"])
                )
        self.stage_ids = set(by_id)
        self.by_product_state: dict[tuple[str, str], str] = {}
        for stage in by_id.values():
            if stage.product is None:
                continue
            for state in (stage.name, *stage.states):
                self.by_product_state.setdefault((stage.product, state.casefold()), stage.id)
        self.product_states: dict[str, list[str]] = defaultdict(list)
        for stage in by_id.values():
            if stage.product is not None:
                self.product_states[stage.product].extend(stage.states)

    def resolve(self, record: StateRecord) -> str | Problem:
        if record.stage is not None:
            if record.stage not in self.stage_ids:
                return Problem(record.line, "stage", f"no Stage with id {record.stage!r}")
            return record.stage
        assert record.state is not None
        product = self.item_product.get(record.item)
        if product is None:
            return Problem(
                record.line,
                "item",
                f"work item {record.item!r} is for no product (add a FOR_PRODUCT relationship) "
                "so its tool state cannot be mapped to a stage",
            )
        stage = self.by_product_state.get((product, record.state.casefold()))
        if stage is None:
            mapped = ", ".join(sorted(set(self.product_states.get(product, [])))) or "none"
            return Problem(
                record.line,
                "state",
                f"state {record.state!r} is mapped to no stage of product {product!r}'s value "
                f"stream (mapped states: {mapped})",
            )
        return stage


def _visits(changes: list[tuple[StateRecord, str]]) -> list[Visit]:
    """Stage visits from state changes: each change closes the item's previous visit."""
    by_item: dict[str, dict[datetime, str]] = defaultdict(dict)
    for record, stage in changes:
        by_item[record.item][record.at] = stage  # the later line wins for one instant
    visits: list[Visit] = []
    for item, moves in by_item.items():
        ordered = sorted(moves.items())
        # Moving between two tool states of the same stage is no new visit.
        kept = [m for i, m in enumerate(ordered) if i == 0 or m[1] != ordered[i - 1][1]]
        for (at, stage), following in zip(kept, [*kept[1:], None], strict=True):
            visits.append(Visit(item, stage, at, following[0] if following else None))
    return visits


async def build_plan(records: list[Record], lookup: Lookup) -> tuple[Plan, list[Problem]]:
    """Validate a whole batch against itself and the graph; plan its writes."""
    problems: list[Problem] = []
    node_records = [r for r in records if isinstance(r, NodeRecord)]
    rel_records = [r for r in records if isinstance(r, RelationshipRecord)]
    state_records = [r for r in records if isinstance(r, StateRecord)]

    nodes = _merge_nodes(node_records, problems)
    stored_items = await _check_kinds(nodes, lookup, problems)

    ends = [end for rel in rel_records for end in (rel.start, rel.end)]
    items = [Ref(Label.WORK_ITEM, s.item) for s in state_records]
    missing = await _missing_refs([*ends, *items], nodes, lookup)
    for rel in rel_records:
        for end, name in ((rel.start, "from"), (rel.end, "to")):
            if end in missing:
                problems.append(
                    Problem(
                        rel.line,
                        f"{name}.id",
                        f"no {end.label} with id {end.id!r} in this batch or in the graph",
                    )
                )

    plan = Plan(new=await _new_nodes(nodes, stored_items, lookup))
    seen: dict[tuple[Any, ...], RelationshipRecord] = {}
    for rel in rel_records:
        seen[rel.key()] = rel  # one write per relationship; the later record wins
    for rel in seen.values():
        plan.relationships[RELATIONSHIP_INDEX[(rel.type, rel.start.label, rel.end.label)]].append(
            rel
        )
    for record in nodes.values():
        plan.nodes[(record.label, record.kind)].append(_with_defaults(record))

    if state_records:
        known_items = [s.item for s in state_records if Ref(Label.WORK_ITEM, s.item) not in missing]
        resolver = _StageResolver(
            await lookup.stages(),
            nodes,
            rel_records,
            await lookup.item_products(sorted(set(known_items))),
        )
        changes: list[tuple[StateRecord, str]] = []
        for state in state_records:
            if Ref(Label.WORK_ITEM, state.item) in missing:
                problems.append(
                    Problem(
                        state.line,
                        "item",
                        f"no work item with id {state.item!r} in this batch or in the graph",
                    )
                )
                continue
            resolution = resolver.resolve(state)
            if isinstance(resolution, Problem):
                problems.append(resolution)
            else:
                changes.append((state, resolution))
        plan.visits = _visits(changes)

    problems.sort(key=lambda p: p.line)
    return plan, problems
