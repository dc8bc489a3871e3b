"""The whole graph as ingest records: the facts, not what is derived from them.

`vsg dump` writes these lines and `vsg load` ingests them (docs/deployment.md): a backup,
and the way from the embedded database to Neo4j. Importing a dump into an empty database
gives the same graph, because everything left out is derived again from what is kept:

- every node of the model with the properties the model lists for its label
  (`node_properties`), not `currentStage`, `lastMovedAt` or `stateLog`, nor the
  internal labels (Migration, ApiToken, SyncCursor, Pending, TitleWord);
- every relationship but the derived ones: `IN_STAGE` visits, `SHIPPED`, and
  `CAUSED_BY {inferred: true}`;
- each work item's state log, one state record per entry (`history.as_record`);
- each record still waiting for a node (`Pending`), as it was kept.

In that order, so that a chunked load finds every node a record names already written,
and every stage mapping in place before the state changes come. Reads go a page of
`page` nodes at a time, by id, label by label; memory holds one page. Lines are
canonical JSON (sorted keys), so two dumps of one graph are equal byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from graph.db.queries import Query, cypher, snake
from graph.db.store import GraphStore, Row
from graph.ingest.history import STATE_LOG, as_record
from graph.model import (
    RELATIONSHIP_INDEX,
    Label,
    RelType,
    WorkItemKind,
    node_properties,
)
from graph.read.entities import COUNT, COUNT_WORK_ITEMS, LIST, LIST_WORK_ITEMS

RELATIONSHIPS: dict[Label, Query] = {
    label: cypher(f"dump/relationships/{snake(label)}") for label in Label
}
PENDING = cypher("dump/pending")
COUNT_PENDING = cypher("dump/count_pending")

#: Nodes (or waiting records) read per round trip.
PAGE = 5000

_LABELS = frozenset(label.value for label in Label)
_KINDS = frozenset(kind.value for kind in WorkItemKind)

#: Told (rows read so far, rows to read in all) after each page.
DumpProgress = Callable[[int, int], None]


def _quiet(done: int, total: int) -> None:
    pass


def line(record: Mapping[str, Any]) -> str:
    """A record as one canonical JSON line (sorted keys, no spaces, no newline)."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _model_label(labels: Sequence[str]) -> tuple[str, str] | None:
    """(label for a node record, label for a relationship end) of a stored node's labels;
    None for a node outside the model."""
    kind = next((lb for lb in labels if lb in _KINDS), None)
    if kind is not None:
        return kind, Label.WORK_ITEM.value
    label = next((lb for lb in labels if lb in _LABELS), None)
    return None if label is None else (label, label)


def node_record(label: Label, node: Mapping[str, Any], labels: Sequence[str]) -> dict[str, Any]:
    """A stored node as a node record: its model properties only."""
    names = _model_label(labels)
    spec = node_properties(label)
    return {
        "record": "node",
        "label": names[0] if names else str(label),
        "id": node["id"],
        "properties": {k: _value(v) for k, v in node.items() if k in spec and v is not None},
    }


def relationship_record(start: Label, row: Row) -> dict[str, Any] | None:
    """A stored relationship as a relationship record; None if the model has no such
    relationship (nothing vsgraph wrote)."""
    if row["type"] is None:  # a start node with no relationship, read to page on
        return None
    names = _model_label(row["endLabels"])
    if names is None:
        return None
    try:
        spec = RELATIONSHIP_INDEX.get((RelType(row["type"]), start, Label(names[1])))
    except ValueError:
        return None
    if spec is None:
        return None
    properties = row["properties"] or {}
    return {
        "record": "relationship",
        "type": row["type"],
        "from": {"label": str(start), "id": row["startId"]},
        "to": {"label": names[1], "id": row["endId"]},
        "properties": {
            k: _value(v) for k, v in properties.items() if k in spec.properties and v is not None
        },
    }


async def _page(store: GraphStore, label: Label, after: str | None) -> list[Row]:
    if label is Label.WORK_ITEM:
        return await store.read(
            LIST_WORK_ITEMS, after=after, first=PAGE, kinds=None, product=None, team=None
        )
    return await store.read(LIST[label], after=after, first=PAGE)


async def _nodes(store: GraphStore, label: Label) -> AsyncIterator[list[Row]]:
    after: str | None = None
    while True:
        rows = await _page(store, label, after)
        if not rows:
            return
        yield rows
        if len(rows) < PAGE:
            return
        after = rows[-1]["node"]["id"]


async def totals(store: GraphStore) -> tuple[int, int, int]:
    """How many model nodes, work items and waiting records there are."""
    nodes = 0
    for label in Label:
        if label is not Label.WORK_ITEM:
            nodes += (await store.read(COUNT[label]))[0]["total"]
    items = (await store.read(COUNT_WORK_ITEMS, kinds=None, product=None, team=None))[0]["total"]
    pending = (await store.read(COUNT_PENDING))[0]["total"]
    return nodes + items, items, pending


async def dump(store: GraphStore, progress: DumpProgress = _quiet) -> AsyncIterator[str]:
    """Every fact of the graph as ingest record lines, in load order (module docstring)."""
    nodes, items, pending = await totals(store)
    # Nodes are read twice (themselves, then their relationships), work items a third time.
    total, done = 2 * nodes + items + pending, 0
    progress(done, total)
    for label in Label:
        async for rows in _nodes(store, label):
            for row in rows:
                yield line(node_record(label, row["node"], row["labels"]))
            done += len(rows)
            progress(done, total)
    for label in Label:
        after: str | None = None
        while True:
            rows = await store.read(RELATIONSHIPS[label], after=after, first=PAGE)
            records = [r for r in (relationship_record(label, row) for row in rows) if r]
            for text in sorted(map(line, records)):
                yield text
            starts = {row["startId"] for row in rows}
            done += len(starts)
            progress(done, total)
            if len(starts) < PAGE:
                break
            after = max(starts)
    async for rows in _nodes(store, Label.WORK_ITEM):
        for row in rows:
            item = row["node"]
            for entry in item.get(STATE_LOG) or ():
                yield line(as_record(item["id"], entry))
        done += len(rows)
        progress(done, total)
    after = None
    while True:
        rows = await store.read(PENDING, after=after, first=PAGE)
        for row in rows:
            yield row["record"]
        done += len(rows)
        progress(done, total)
        if len(rows) < PAGE:
            break
        after = rows[-1]["id"]
