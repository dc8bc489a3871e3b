"""What every fuzz case checks: no server error, no leaked internals, no partial write."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from hypothesis import HealthCheck

from graph.db.queries import cypher
from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.read.entities import COUNT, COUNT_WORK_ITEMS
from tests.factories import Record, SmallOrg

COUNT_RELATIONSHIPS = cypher("admin/count_relationships")

#: Settings every fuzz test shares (each sets its own max_examples).
FUZZ: dict[str, Any] = {
    "deadline": None,
    "derandomize": True,  # the same cases every run: CI is reproducible
    "database": None,  # nothing written to .hypothesis/
    "print_blob": False,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,  # one app and fixture graph for all examples
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
}

#: Text that must never reach a client: Python tracebacks, Cypher, driver internals.
LEAKS = ("Traceback", 'File "', "MATCH (", "MERGE (", "UNWIND ", "neo4j.", "arcadedb")

#: The fixture organisation every fuzz test starts from (fixed ids: reproducible runs).
ORG = SmallOrg(prefix="fz")


async def seed(store: GraphStore, records: list[Record] | None = None) -> None:
    """Write the fixture organisation (or `records`) through the real ingest."""
    await ingest(store, parse_objects(ORG.records() if records is None else records))


async def counts(store: GraphStore) -> dict[str, int]:
    """Nodes per label (work items per kind) and relationships per type, zeros left out."""
    labels = list(COUNT)
    *per_label, work_items, per_type = await asyncio.gather(
        *(store.read(COUNT[label]) for label in labels),
        store.read(COUNT_WORK_ITEMS, kinds=None, product=None, team=None),
        store.read(COUNT_RELATIONSHIPS),
    )
    out = {str(label): rows[0]["total"] for label, rows in zip(labels, per_label, strict=True)}
    out["WorkItem"] = work_items[0]["total"]
    for row in per_type:
        out[row["type"]] = row["total"]
    return {k: v for k, v in out.items() if v}


def delta(before: dict[str, int], after: dict[str, int]) -> tuple[int, int]:
    """New nodes and new relationships between two `counts` (work items once)."""
    keys = before.keys() | after.keys()
    changed = {k: after.get(k, 0) - before.get(k, 0) for k in keys}
    # Relationship types are UPPER_SNAKE, labels PascalCase.
    return (
        sum(v for k, v in changed.items() if not k.isupper()),
        sum(v for k, v in changed.items() if k.isupper()),
    )


def body_of(response: httpx.Response) -> Any:
    """The JSON body of an answer that is no server error and leaks nothing internal."""
    assert response.status_code < 500, (response.status_code, response.text[:2000])
    for leak in LEAKS:
        assert leak not in response.text, (leak, response.text[:2000])
    return json.loads(response.text)
