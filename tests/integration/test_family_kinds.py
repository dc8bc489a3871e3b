"""A work item's family kinds (graph/ingest/families.py): `parentKinds` and `childKinds`
follow from its PARENT_OF relationships alone, whatever the order, split and
re-delivery of the items and links; and migration 005 gives them to items written before
ingest kept them.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from graph.db.migrations import prepare
from graph.db.queries import parse
from graph.db.store import GraphStore
from tests.factories import Record, deliveries, node, rel
from tests.integration.test_ingest import load

pytestmark = pytest.mark.db

FAMILY = parse(
    "test/family_kinds",
    "// cardinality: rows\n"
    "UNWIND $ids AS id MATCH (w:WorkItem {id: id}) "
    "RETURN w.id AS id, w.parentKinds AS parents, w.childKinds AS children",
)
FORGET_FAMILY = parse(
    "test/forget_family_kinds",
    "// cardinality: write\n"
    "MATCH (w:WorkItem) REMOVE w.parentKinds, w.childKinds "
    "WITH count(w) AS items MATCH (m:Migration {id: '005_work_item_family_kinds'}) "
    "DETACH DELETE m",
)


def family(p: str) -> tuple[list[Record], dict[str, tuple[Any, Any]]]:
    """An epic over a feature, the feature over a story and a defect, a second story
    with no family, and a risk with two parents: its records and each item's expected
    (parentKinds, childKinds), lists in the kinds' order."""
    items = [
        ("Epic", "epic"),
        ("Feature", "feature"),
        ("Story", "story"),
        ("Defect", "defect"),
        ("Story", "alone"),
        ("Risk", "risk"),
    ]
    links = [
        (("Epic", "epic"), ("Feature", "feature")),
        (("Feature", "feature"), ("Story", "story")),
        (("Feature", "feature"), ("Defect", "defect")),
        (("Feature", "feature"), ("Risk", "risk")),
        (("Epic", "epic"), ("Risk", "risk")),
    ]
    at = "2025-01-01T00:00:00Z"
    records = [node(kind, f"{p}-{id}", title=id, createdAt=at) for kind, id in items]
    records += [rel("PARENT_OF", (a[0], f"{p}-{a[1]}"), (b[0], f"{p}-{b[1]}")) for a, b in links]
    expected = {
        f"{p}-epic": (None, ["Feature", "Risk"]),
        f"{p}-feature": (["Epic"], ["Story", "Defect", "Risk"]),
        f"{p}-story": (["Feature"], None),
        f"{p}-defect": (["Feature"], None),
        f"{p}-alone": (None, None),
        f"{p}-risk": (["Epic", "Feature"], None),
    }
    return records, expected


async def kinds_of(store: GraphStore, ids: list[str]) -> dict[str, tuple[Any, Any]]:
    rows = await store.read(FAMILY, ids=ids)
    return {r["id"]: (r["parents"], r["children"]) for r in rows}


@pytest.mark.parametrize("seed", range(4))
async def test_the_same_links_give_the_same_kinds_in_any_order_and_split(
    store: GraphStore, seed: int
) -> None:
    p = uuid.uuid4().hex[:6]
    records, expected = family(p)
    # Links first, one record a batch (seed 0), or four random batches.
    batches = deliveries(records, seed)
    for batch in batches:
        await load(store, batch)
    assert await kinds_of(store, sorted(expected)) == expected
    # Delivered again, whole: nothing changes.
    await load(store, records)
    assert await kinds_of(store, sorted(expected)) == expected


async def test_items_written_before_family_kinds_get_them_from_their_links(
    store: GraphStore,
) -> None:
    p = uuid.uuid4().hex[:6]
    records, expected = family(p)
    await prepare(store)
    await load(store, records)
    await store.write(FORGET_FAMILY)
    forgotten = {id: (None, None) for id in expected}
    assert await kinds_of(store, sorted(expected)) == forgotten
    assert await prepare(store) == ["005_work_item_family_kinds"]
    assert await kinds_of(store, sorted(expected)) == expected
    assert await prepare(store) == []
