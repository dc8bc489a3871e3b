"""Search (graph/read/entities.py) on the real database: ids through indexes, then names and
titles, each kind of match in its place."""

from __future__ import annotations

import pytest

from graph.db.store import GraphStore
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.model import Label, Node, WorkItemKind
from graph.read.entities import search
from tests.factories import node, rel

pytestmark = pytest.mark.db


@pytest.fixture
async def graph(store: GraphStore) -> None:
    created = "2025-01-01T00:00:00Z"
    records = [
        node("Product", "ZX", name="Zephyr Checkout", key="ZX"),
        node("Team", "zx-team", name="Zebras"),
        node("Story", "ZX-1", title="Card form", createdAt=created),
        node("Story", "ZX-10", title="Refunds", createdAt=created),
        node("Defect", "ZX-2", title="Crash after zx-1 went live", createdAt=created),
        node("Story", "AB-7", title="Checkout button", createdAt=created),
        node("PullRequest", "pr-9", title="Checkout: faster totals", createdAt=created),
        rel("FOR_PRODUCT", ("Story", "ZX-1"), ("Product", "ZX")),
    ]
    await ingest(store, parse_objects(records))


def keys(found: list[Node]) -> list[str]:
    return [n.id for n in found]


async def test_exact_id_first_then_id_prefixes_then_names(store: GraphStore, graph: None) -> None:
    # "zx-1": ZX-1 by its id in capitals, ZX-10 starting with it, ZX-2 by its title.
    assert keys(await search(store, "zx-1", None, 10)) == ["ZX-1", "ZX-10", "ZX-2"]
    # Names and titles, ignoring case: the organisation's labels first (the product),
    # then the work (the story), then delivery (the pull request).
    assert keys(await search(store, "CHECKOUT", None, 10)) == ["ZX", "AB-7", "pr-9"]


async def test_labels_and_kinds_limit_what_is_found(store: GraphStore, graph: None) -> None:
    found = await search(store, "checkout", [Label.PULL_REQUEST.value], 10)
    assert keys(found) == ["pr-9"]
    # Both by their ids (as typed, and in capitals): the organisation's label first.
    found = await search(store, "zx", [WorkItemKind.DEFECT.value, Label.TEAM.value], 10)
    assert keys(found) == ["zx-team", "ZX-2"]
    # The exact id, then id prefixes, the organisation's labels (the team) before work.
    assert keys(await search(store, "zx", None, 2)) == ["ZX", "zx-team"]
