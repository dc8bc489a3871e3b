"""The read gate (graph/db/read_gate.py): admission, sharing and deadlines, on callables
that stand for a read so that their timing is the test's to choose."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from graph.db.read_gate import READ_CLIENT, ReadGate, Row, read_key
from graph.errors import QueryTimeout
from graph.settings import EMBEDDED_READS_AT_ONCE, ConfigError, Settings


class Reads:
    """Reads that finish when the test says, counting how many were sent."""

    def __init__(self) -> None:
        self.sent = 0
        self.running = 0
        self.most_running = 0
        self.release = asyncio.Event()

    async def run(self) -> list[Row]:
        self.sent += 1
        n = self.sent
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            await self.release.wait()
            return [{"n": n, "items": [1, 2]}]
        finally:
            self.running -= 1


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_identical_concurrent_reads_are_sent_once_and_each_caller_gets_its_own_rows() -> None:
    gate, reads = ReadGate(None), Reads()
    callers = [asyncio.create_task(gate.read("k", 0, reads.run, None)) for _ in range(5)]
    await settle()
    reads.release.set()
    answers = await asyncio.gather(*callers)
    assert reads.sent == 1
    assert gate.shared == 4
    assert all(a == [{"n": 1, "items": [1, 2]}] for a in answers)
    # Copied per caller: one changing its rows changes nobody else's.
    answers[0][0]["n"] = 99
    assert answers[1][0]["n"] == 1


async def test_a_read_sent_before_a_write_is_not_shared_with_a_caller_after_it() -> None:
    gate, reads = ReadGate(None), Reads()
    before = asyncio.create_task(gate.read("k", 0, reads.run, None))
    await settle()
    after = asyncio.create_task(gate.read("k", 1, reads.run, None))  # epoch moved on
    await settle()
    reads.release.set()
    first, second = await asyncio.gather(before, after)
    assert reads.sent == 2
    assert gate.shared == 0
    assert (first[0]["n"], second[0]["n"]) == (1, 2)


async def test_different_statements_or_parameters_are_not_shared() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert read_key("a", {"x": 1, "y": at}) == read_key("a", {"y": at, "x": 1})
    assert read_key("a", {"x": 1}) != read_key("b", {"x": 1})
    assert read_key("a", {"x": 1}) != read_key("a", {"x": "1"})
    assert read_key("a", {"at": at}) != read_key("a", {"at": at.replace(hour=1)})


async def test_at_most_limit_reads_run_and_the_rest_wait_in_arrival_order() -> None:
    gate, reads = ReadGate(2), Reads()
    order: list[int] = []

    async def one(n: int) -> None:
        await gate.read(f"k{n}", 0, reads.run, None)
        order.append(n)

    tasks = [asyncio.create_task(one(n)) for n in range(6)]
    await settle()
    assert reads.running == 2
    assert gate.waiting == 4
    reads.release.set()
    await asyncio.gather(*tasks)
    assert reads.most_running == 2
    assert reads.sent == 6
    assert gate.waiting == 0


async def test_a_write_in_progress_takes_one_of_the_reads_slots() -> None:
    """Down to one slot for reads: the reads already sent finish, the next waits, and the
    slot comes back when the write ends."""
    gate, reads = ReadGate(3), Reads()
    gate.write_began()
    gate.write_began()
    gate.write_began()  # three writes would take every slot: one is always left to reads
    tasks = [asyncio.create_task(gate.read(f"k{n}", 0, reads.run, None)) for n in range(4)]
    await settle()
    assert (reads.running, gate.waiting) == (1, 3)
    gate.write_ended()
    await settle()
    assert (reads.running, gate.waiting) == (1, 3)  # two writes still hold two of three
    gate.write_ended()
    gate.write_ended()
    await settle()
    assert (reads.running, gate.waiting) == (3, 1)
    reads.release.set()
    await asyncio.gather(*tasks)
    assert reads.most_running == 3


async def test_reads_in_flight_when_a_write_begins_finish() -> None:
    gate, reads = ReadGate(2), Reads()
    tasks = [asyncio.create_task(gate.read(f"k{n}", 0, reads.run, None)) for n in range(3)]
    await settle()
    gate.write_began()
    assert (reads.running, gate.waiting) == (2, 1)
    reads.release.set()
    await settle()
    # Both finished; the waiting one was sent into the one slot the write leaves.
    assert reads.sent == 3
    gate.write_ended()
    await asyncio.gather(*tasks)


async def test_a_read_that_waits_past_its_deadline_is_never_sent() -> None:
    gate, reads = ReadGate(1), Reads()
    holder = asyncio.create_task(gate.read("slow", 0, reads.run, None))
    await settle()
    with pytest.raises(QueryTimeout, match="busy"):
        await gate.read("other", 0, reads.run, 0.05)
    assert reads.sent == 1  # only the one holding the slot
    reads.release.set()
    await holder
    # The slot is free again.
    assert await gate.read("other", 0, reads.run, 0.05) == [{"n": 2, "items": [1, 2]}]


async def test_one_caller_giving_up_does_not_cancel_the_read_others_wait_for() -> None:
    gate, reads = ReadGate(1), Reads()
    leaver = asyncio.create_task(gate.read("k", 0, reads.run, None))
    stayer = asyncio.create_task(gate.read("k", 0, reads.run, None))
    await settle()
    leaver.cancel()
    await settle()
    reads.release.set()
    assert await stayer == [{"n": 1, "items": [1, 2]}]
    assert leaver.cancelled()
    assert reads.sent == 1


def test_the_read_concurrency_setting() -> None:
    assert Settings.from_env({}).reads_at_once() == EMBEDDED_READS_AT_ONCE
    assert Settings.from_env({"VSG_NEO4J_URI": "neo4j://db:7687"}).reads_at_once() is None
    assert Settings.from_env({"VSG_READ_CONCURRENCY": "auto"}).reads_at_once() >= 2
    assert Settings.from_env({"VSG_READ_CONCURRENCY": "3"}).reads_at_once() == 3
    assert Settings.from_env({"VSG_READ_CONCURRENCY": "0"}).reads_at_once() is None
    with pytest.raises(ConfigError, match="VSG_READ_CONCURRENCY"):
        Settings.from_env({"VSG_READ_CONCURRENCY": "-1"})
    with pytest.raises(ConfigError, match="VSG_READ_CONCURRENCY"):
        Settings.from_env({"VSG_READ_CONCURRENCY": "many"})


async def test_clients_take_turns_for_a_free_slot() -> None:
    """One client's burst of thirty reads delays another client's read by one read."""
    gate = ReadGate(1)
    gates = {f"k{n}": asyncio.Event() for n in range(31)}
    sent: list[str] = []

    def reading(key: str):  # type: ignore[no-untyped-def]
        async def run() -> list[Row]:
            sent.append(key)
            await gates[key].wait()
            return []

        return run

    async def read_as(client: str, key: str) -> None:
        READ_CLIENT.set(client)  # this task's own context
        await gate.read(key, 0, reading(key), None)

    burst = [asyncio.create_task(read_as("token:busy", f"k{n}")) for n in range(30)]
    await settle()
    probe = asyncio.create_task(read_as("token:probe", "k30"))
    await settle()
    assert sent == ["k0"]
    gates["k0"].set()
    await settle()
    # The probe's client had not had a turn: it goes before the rest of the burst.
    assert sent == ["k0", "k30"]
    for event in gates.values():
        event.set()
    await asyncio.gather(*burst, probe)
    assert sent[2:] == [f"k{n}" for n in range(1, 30)]  # the burst in its own order


async def test_a_waiting_read_that_leaves_gives_up_its_place() -> None:
    gate, reads = ReadGate(1), Reads()
    holder = asyncio.create_task(gate.read("a", 0, reads.run, None))
    await settle()
    leaver = asyncio.create_task(gate.read("b", 0, reads.run, None))
    stayer = asyncio.create_task(gate.read("c", 0, reads.run, None))
    await settle()
    assert gate.waiting == 2
    leaver.cancel()
    await settle()
    assert gate.waiting == 1
    reads.release.set()
    await asyncio.gather(holder, stayer)
    assert reads.sent == 2  # the one that left was never sent
    assert gate.waiting == 0
    # Every slot came back.
    assert await gate.read("d", 0, reads.run, 0.05) != []
