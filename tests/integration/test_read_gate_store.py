"""The read gate in the store, on the real database: identical concurrent reads are one
statement, a write in between keeps them apart, and priority reads pass a full gate."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from graph.db.queries import cypher, parse
from graph.db.store import Connection, GraphStore, Row
from graph.ingest.records import parse_objects
from graph.ingest.service import ingest
from graph.model import Label
from graph.read.entities import COUNT

COUNT_PRODUCTS = COUNT[Label.PRODUCT]
FIND_TOKEN = cypher("tokens/find_token")


def product(key: str) -> dict[str, object]:
    return {"record": "node", "label": "Product", "id": key, "properties": {"name": key}}


async def test_identical_concurrent_reads_are_one_statement(store: GraphStore) -> None:
    await ingest(store, parse_objects([product("p1")]))
    trips, shared = store.round_trips, store.reads.shared
    answers = await asyncio.gather(*(store.read(COUNT_PRODUCTS) for _ in range(8)))
    assert all(a == answers[0] for a in answers)
    assert answers[0][0]["total"] == 1
    assert store.round_trips - trips + store.reads.shared - shared == 8
    assert store.round_trips - trips < 8


async def test_a_read_after_a_write_sees_it(store: GraphStore) -> None:
    await ingest(store, parse_objects([product("p1")]))
    first = asyncio.create_task(store.read(COUNT_PRODUCTS))
    await ingest(store, parse_objects([product("p2")]))
    # Sent after the write finished: never answered by the read sent before it.
    after = await store.read(COUNT_PRODUCTS)
    assert after[0]["total"] == 2
    assert (await first)[0]["total"] in (1, 2)


async def test_priority_reads_pass_a_full_gate(connection: Connection, store: GraphStore) -> None:
    gated = GraphStore.create(connection, read_concurrency=1, read_timeout=5)
    try:
        await gated.wait_ready(10)
        # The only slot is held by a read that finishes when the test says.
        release = asyncio.Event()

        async def held() -> list[Row]:
            await release.wait()
            return []

        holder = asyncio.create_task(gated.reads.read("held", 0, held, None))
        await asyncio.sleep(0.05)
        try:
            with gated.priority():
                rows = await gated.read(FIND_TOKEN, tokenHash="nothing")
            assert rows == []
            waiting = asyncio.create_task(gated.read(COUNT_PRODUCTS))
            await asyncio.sleep(0.2)
            assert not waiting.done()
            assert gated.reads.waiting == 1
        finally:
            release.set()
        await holder
        assert (await waiting)[0]["total"] == 0
    finally:
        await gated.close()


async def test_an_ingest_batch_takes_a_read_slot_while_it_writes(
    connection: Connection, store: GraphStore
) -> None:
    gated = GraphStore.create(connection, read_concurrency=2, read_timeout=5)
    try:
        await gated.wait_ready(10)
        seen: list[int] = []
        await ingest(
            gated,
            parse_objects([product("p-slot")]),
            progress=lambda done, total: seen.append(gated.reads.capacity),
        )
        assert seen and set(seen) == {1}  # one of the two slots, while the batch wrote
        assert gated.reads.capacity == 2  # and given back after it
    finally:
        await gated.close()


NAMES_AND_TIMES = parse(
    "test/names_and_times",
    "// cardinality: rows\n"
    "MATCH (p:Product) RETURN p.id AS id, [p.name, size(p.id)] AS facts, "
    "datetime('2025-01-02T03:04:05Z') AS at ORDER BY id",
)


async def test_a_plain_read_answers_as_the_driver_decodes_and_shares_only_with_its_kind(
    store: GraphStore,
) -> None:
    await ingest(store, parse_objects([product("p1"), product("p2")]))
    converted, plain = await asyncio.gather(
        store.read(NAMES_AND_TIMES), store.read_plain(NAMES_AND_TIMES)
    )
    # Plain values are the same either way; a temporal value is converted by `read`
    # only (read_plain is for answers without one).
    assert [(r["id"], r["facts"]) for r in plain] == [(r["id"], r["facts"]) for r in converted]
    assert plain[0]["facts"] == ["p1", 2]
    assert converted[0]["at"] == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert not isinstance(plain[0]["at"], datetime)
