"""Which stage a work item's state change lands in: the value streams' stage mapping.

A tool state (a Jira status) maps to a stage of the item's product's value stream
through the stage's `states` list or its own `name`, ignoring case. The mapping is built
from the stages in the graph with a batch's stage, `HAS_STAGE` and `HAS_VALUE_STREAM`
records laid over them, so a batch that brings both the structure and the state changes
maps them at once, and a later batch that changes the structure says which products'
items need their visits derived again (`changed_products`).

When two stages of one stream claim the same state, the first by (`order`, id) wins:
whatever order the stages arrived in, the same state maps to the same stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from graph.ingest.history import Fact, FactKind, Resolve
from graph.ingest.records import NodeRecord, RelationshipRecord
from graph.model import Label, RelType


@dataclass(frozen=True)
class StageInfo:
    """A stage as state mapping sees it: its name, place, tool states and value stream."""

    id: str
    name: str
    order: int
    states: tuple[str, ...]
    stream: str | None


@dataclass(frozen=True)
class StageMap:
    """Every stage, and which product each value stream belongs to."""

    stages: Mapping[str, StageInfo]
    stream_product: Mapping[str, str] = field(default_factory=dict)

    def product_of(self, stage: str) -> str | None:
        """The product whose value stream has `stage`, if known."""
        info = self.stages.get(stage)
        return self.stream_product.get(info.stream) if info and info.stream else None

    @cached_property
    def by_product(self) -> dict[str, dict[str, str]]:
        """Per product, each mapped tool state (casefolded) -> the stage it maps to."""
        mapping: dict[str, dict[str, str]] = {}
        for info in sorted(self.stages.values(), key=lambda s: (s.order, s.id)):
            product = self.product_of(info.id)
            if product is not None:
                states = mapping.setdefault(product, {})
                for state in (info.name, *info.states):
                    states.setdefault(state.casefold(), info.id)
        return mapping

    @cached_property
    def order(self) -> dict[str, int]:
        """Each stage's place in its stream (which of two stages entered at once wins)."""
        return {stage.id: stage.order for stage in self.stages.values()}

    def with_batch(
        self, nodes: Iterable[NodeRecord], relationships: Iterable[RelationshipRecord]
    ) -> StageMap:
        """The map once a batch's stages, `HAS_STAGE` and `HAS_VALUE_STREAM` are written."""
        stages = dict(self.stages)
        stream_product = dict(self.stream_product)
        stage_stream: dict[str, str] = {}
        for rel in relationships:
            if rel.type is RelType.HAS_VALUE_STREAM:
                stream_product[rel.end.id] = rel.start.id
            elif rel.type is RelType.HAS_STAGE:
                stage_stream[rel.end.id] = rel.start.id
        for record in nodes:
            if record.label is Label.STAGE:
                old = stages.get(record.id)
                props = record.properties
                states = props.get("states", old.states if old else ())
                stages[record.id] = StageInfo(
                    record.id,
                    str(props.get("name", old.name if old else record.id)),
                    int(props.get("order", old.order if old else 0)),
                    tuple(states or ()),
                    old.stream if old else None,
                )
        for stage, stream in stage_stream.items():
            info = stages.get(stage)
            if info is not None:
                stages[stage] = StageInfo(info.id, info.name, info.order, info.states, stream)
        return StageMap(stages, stream_product)

    def changed_products(self, later: StageMap) -> set[str]:
        """Products whose state mapping differs between this map and `later`."""
        products = set(self.by_product) | set(later.by_product)
        return {p for p in products if self.by_product.get(p) != later.by_product.get(p)}

    def resolver(self, product: str | None) -> Resolve:
        """How the facts of an item of `product` (None: unknown) resolve to stages."""
        states = self.by_product.get(product, {}) if product is not None else {}

        def resolve(fact: Fact) -> str | None:
            if fact.kind in (FactKind.STATE, FactKind.ASSUMED):
                return states.get(fact.value.casefold())
            return fact.value if fact.value in self.stages else None

        return resolve
