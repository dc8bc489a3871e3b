"""GraphStore's statement timer (bench/ingest.py --profile) on the real database: every
statement a block runs, reads and writes, counted and timed by its text, and nothing
run outside the block."""

from __future__ import annotations

from graph.db.queries import catalogue
from graph.db.store import GraphStore, statement_times
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.model import Label
from graph.read.entities import COUNT
from tests.factories import node

COUNT_PRODUCTS = COUNT[Label.PRODUCT]


async def test_the_timer_counts_what_its_block_runs(store: GraphStore) -> None:
    await store.read(COUNT_PRODUCTS)
    with statement_times() as times:
        await ingest(store, parse_objects([node("Product", "p1", name="p1")]))
        await store.read(COUNT_PRODUCTS)
        await store.read(COUNT_PRODUCTS)
    await store.read(COUNT_PRODUCTS)

    runs, seconds = times[COUNT_PRODUCTS.text]
    assert runs == 2
    assert seconds > 0
    names = {query.text: name for name, query in catalogue().items()}
    written = [names[text] for text in times if names.get(text, "").startswith("ingest/new_nodes/")]
    assert written == ["ingest/new_nodes/product"]
